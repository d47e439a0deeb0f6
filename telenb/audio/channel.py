"""A telephone channel: level, band-pass, noise, codec, packet loss and jitter, delay.

`Channel` is a frozen description; `Channel.apply(audio)` returns what the far end hears
(mono, at `rate`, 8 kHz by default). Processing order, as on a real call::

    gain -> 300-3400 Hz band-pass -> noise -> codec -> packets (loss, late loss) ->
    concealment -> delay

All randomness comes from one `numpy.random.Generator` (from `seed`, or passed in by a
simulator), so the same seed gives byte-identical output.

Packet loss follows the 2-state (Gilbert) model used by ITU-T G.107: loss probability
`loss` and burst ratio `burst_ratio` (1 = random loss). Jitter is an exponentially
distributed extra delay per packet with mean `jitter_ms`; a fixed playout buffer of
`jitter_buffer_ms` discards packets later than that (late loss) and adds its depth to the
delay. Concealment "repeat" replays the last good packet, fading to silence over three
packets; "silence" inserts zeros.

`Channel.emodel()` rates the same configuration with the ITU-T G.107 E-model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import AudioError
from .core import DBM0_DBFS, LINE_RATE, Audio
from .emodel import CODECS, EModel
from .g711 import alaw_decode, alaw_encode, ulaw_decode, ulaw_encode

CODECS_SUPPORTED = ("pcmu", "pcma", "l16", "none")
_FADE_PACKETS = 3
_PSOPHOMETRIC_WHITE_DB = -3.5  # O.41 weighting of white noise over 0-4 kHz


@dataclass(frozen=True)
class Transmission:
    """The result of sending audio through a channel, with what happened to each packet."""

    audio: Audio
    lost: np.ndarray = field(repr=False)  # bool per packet: dropped by the network
    late: np.ndarray = field(repr=False)  # bool per packet: arrived after the playout point

    @property
    def packets(self) -> int:
        return int(self.lost.size)

    @property
    def loss_rate(self) -> float:
        return float(np.mean(self.lost | self.late)) if self.lost.size else 0.0


@dataclass(frozen=True)
class Channel:
    """Telephone channel settings (see the module docstring for the model)."""

    codec: str = "pcmu"
    band_pass: bool = True
    loss: float = 0.0
    burst_ratio: float = 1.0
    packet_ms: float = 20.0
    concealment: str = "repeat"
    jitter_ms: float = 0.0
    jitter_buffer_ms: float = 60.0
    delay_ms: float = 0.0
    noise_dbfs: float | None = None
    gain_db: float = 0.0
    rate: int = LINE_RATE
    seed: int = 0

    def __post_init__(self) -> None:
        codec = str(self.codec).lower()
        if codec not in CODECS_SUPPORTED:
            raise AudioError(
                f"unknown codec {self.codec!r}: use one of {', '.join(CODECS_SUPPORTED)}"
            )
        object.__setattr__(self, "codec", codec)
        if codec in ("pcmu", "pcma") and self.rate != LINE_RATE:
            raise AudioError(f"G.711 ({codec}) runs at 8000 Hz, not rate={self.rate}")
        if self.band_pass and self.rate < 8000:
            raise AudioError(f"the 300-3400 Hz band-pass needs rate >= 8000, got {self.rate}")
        if not 0.0 <= self.loss < 1.0:
            raise AudioError(f"loss is a probability in [0, 1), got {self.loss}")
        if self.burst_ratio < 1.0:
            raise AudioError(f"burst_ratio is at least 1 (1 = random), got {self.burst_ratio}")
        if self.concealment not in ("repeat", "silence"):
            raise AudioError(f"concealment is 'repeat' or 'silence', not {self.concealment!r}")
        for name in ("packet_ms", "jitter_ms", "jitter_buffer_ms", "delay_ms"):
            if getattr(self, name) < 0:
                raise AudioError(f"{name} must not be negative, got {getattr(self, name)}")
        if codec == "none" and (self.loss > 0 or self.jitter_ms > 0):
            raise AudioError(
                "packet loss and jitter need a packetised codec (pcmu, pcma or l16), "
                "not codec='none'"
            )
        if self.packet_ms <= 0:
            raise AudioError("packet_ms must be positive")

    # -- derived figures ----------------------------------------------------------------------
    @property
    def packetized(self) -> bool:
        return self.codec != "none"

    @property
    def latency_ms(self) -> float:
        """One-way (mouth-to-ear) delay: network + packetisation + playout buffer."""
        ms = self.delay_ms
        if self.packetized:
            ms += self.packet_ms
        if self.jitter_ms > 0:
            ms += self.jitter_buffer_ms
        return ms

    @property
    def late_probability(self) -> float:
        if self.jitter_ms <= 0:
            return 0.0
        return math.exp(-self.jitter_buffer_ms / self.jitter_ms)

    @property
    def effective_loss(self) -> float:
        """Network loss plus late loss at the playout buffer, as a probability."""
        return self.loss + (1 - self.loss) * self.late_probability

    def emodel(self) -> EModel:
        """The G.107 rating of this configuration (G.711 values from G.113 Appendix I).

        "repeat" concealment is rated with G.711 Appendix I's Bpl (25.1), "silence" with
        Bpl 4.3. Our repeat is simpler than Appendix I, so the estimate is optimistic.
        Line noise (`noise_dbfs`) enters as circuit noise Nc: its level in dBm0,
        psophometrically weighted, power-added to G.107's default -70 dBm0p.
        """
        ie, bpl = CODECS["g711+plc" if self.concealment == "repeat" else "g711"]
        extra = {}
        noise = self.noise_dbm0p
        if noise is not None:
            nc = EModel.Nc  # the G.107 default
            extra["Nc"] = 10 * math.log10(10 ** (nc / 10) + 10 ** (noise / 10))
        return EModel(
            Ie=ie,
            Bpl=bpl,
            Ppl=100 * self.effective_loss,
            BurstR=self.burst_ratio,
            Ta=self.latency_ms,
            **extra,
        )

    @property
    def noise_dbm0p(self) -> float | None:
        """The added noise as a telephone circuit-noise level (dBm0p), or None.

        The noise is white from 0 to rate/2. Psophometric weighting (ITU-T O.41) takes
        3.5 dB off white noise spread over 0-4 kHz (the familiar 2.5 dB for a 300-3400 Hz
        band, less the share outside it); above 4 kHz the weighting removes practically
        everything, so a higher rate leaves a proportionally smaller share in the band.
        """
        if self.noise_dbfs is None:
            return None
        in_band = 10 * math.log10(min(1.0, LINE_RATE / self.rate))
        return self.noise_dbfs - DBM0_DBFS + _PSOPHOMETRIC_WHITE_DB + in_band

    # -- processing ---------------------------------------------------------------------------
    def apply(self, audio: Audio, rng: np.random.Generator | None = None) -> Audio:
        """What the far end hears."""
        return self.transmit(audio, rng).audio

    def transmit(self, audio: Audio, rng: np.random.Generator | None = None) -> Transmission:
        """Like `apply`, also reporting lost and late packets."""
        if not isinstance(audio, Audio):
            raise AudioError(f"Channel.apply needs an Audio, got {type(audio).__name__}")
        rng = np.random.default_rng(self.seed) if rng is None else rng
        x = audio.mono().resample(self.rate).samples.astype(np.float64)
        if self.gain_db:
            x = x * 10 ** (self.gain_db / 20)
        if self.band_pass and x.size:
            x = _band_pass(x, self.rate)
        if self.noise_dbfs is not None:
            x = x + rng.normal(0.0, 10 ** (self.noise_dbfs / 20), x.size)
        x = np.clip(x, -1.0, 1.0)
        x = self._codec(x)
        lost = late = np.zeros(0, bool)
        if self.packetized:
            n = max(round(self.packet_ms * self.rate / 1000), 1)
            count = -(-x.size // n)
            lost = self._loss_pattern(count, rng)
            late = self._late_pattern(count, rng)
            x = _conceal(x, n, lost | late, self.concealment)
        delay = round(self.latency_ms * self.rate / 1000)
        out = np.concatenate([np.zeros(delay), x]).astype(np.float32)
        return Transmission(Audio(out, self.rate), lost, late)

    def _codec(self, x: np.ndarray) -> np.ndarray:
        if self.codec in ("pcmu", "pcma"):
            pcm = Audio(x.astype(np.float32), self.rate).pcm16()
            enc, dec = (
                (ulaw_encode, ulaw_decode) if self.codec == "pcmu" else (alaw_encode, alaw_decode)
            )
            return dec(enc(pcm)) / 32768.0
        if self.codec == "l16":
            return Audio(x.astype(np.float32), self.rate).pcm16() / 32768.0
        return x

    def _loss_pattern(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """Gilbert model: p = P(good->lost), q = P(lost->good); BurstR = 1 / (p + q)."""
        if self.loss <= 0 or count == 0:
            return np.zeros(count, bool)
        p = self.loss / self.burst_ratio
        q = (1 - self.loss) / self.burst_ratio
        u = rng.random(count)
        out = np.zeros(count, bool)
        state = u[0] < self.loss  # start in the stationary distribution
        out[0] = state
        for i in range(1, count):
            state = (u[i] >= q) if state else (u[i] < p)
            out[i] = state
        return out

    def _late_pattern(self, count: int, rng: np.random.Generator) -> np.ndarray:
        if self.jitter_ms <= 0 or count == 0:
            return np.zeros(count, bool)
        return rng.exponential(self.jitter_ms, count) > self.jitter_buffer_ms


def _band_pass(x: np.ndarray, rate: int) -> np.ndarray:
    """4th-order Butterworth band-pass, -3 dB at 300 and 3400 Hz (causal, like a line)."""
    from scipy.signal import butter, sosfilt

    sos = butter(4, [300.0, 3400.0], btype="bandpass", fs=rate, output="sos")
    return sosfilt(sos, x)


def _conceal(x: np.ndarray, n: int, missing: np.ndarray, how: str) -> np.ndarray:
    """Replace missing packets: repeat the last good one with a fade, or silence."""
    if not missing.any():
        return x
    out = x.copy()
    last_good: np.ndarray | None = None
    run = 0
    for i, gone in enumerate(missing):
        a, b = i * n, min((i + 1) * n, x.size)
        if not gone:
            last_good = x[a:b]
            run = 0
            continue
        run += 1
        if how == "silence" or last_good is None:
            out[a:b] = 0.0
            continue
        m = b - a
        src = np.resize(last_good, m)  # the last packet, repeated (tail packets may be short)
        ramp = np.linspace(
            1 - (run - 1) / _FADE_PACKETS, 1 - run / _FADE_PACKETS, m, endpoint=False
        )
        out[a:b] = src * np.clip(ramp, 0.0, 1.0)
    return out
