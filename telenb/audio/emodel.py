"""ITU-T G.107 E-model: transmission rating R and estimated MOS for a channel.

R = Ro - Is - Id - Ie,eff + A (G.107 (06/2015) section 3), with every parameter at its
G.107 default (Table 3) unless given. The defaults give R = 93.2, MOS 4.41: a G.711 call
with no loss and short delay. Codec impairment Ie and packet-loss robustness Bpl come from
ITU-T G.113 Appendix I (`CODECS`). Delay enters through Idd (absolute delay Ta) and, via
the default echo parameters (TELR = 65 dB, WEPL = 110 dB), through Idte and Idle with
T = Ta and Tr = 2 Ta (an echo-cancelled four-wire connection).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import AudioError

# (Ie, Bpl) from ITU-T G.113 Appendix I (Tables I.1 and I.3)
CODECS: dict[str, tuple[float, float]] = {
    "g711": (0.0, 4.3),  # G.711 without packet-loss concealment
    "g711+plc": (0.0, 25.1),  # G.711 with Appendix I concealment
    "g726-32": (7.0, 4.3),  # Ie from G.113 Table I.1; Bpl taken as G.711's
    "g729a": (11.0, 19.0),  # G.729A + VAD
    "g723.1": (15.0, 16.1),  # 6.3 kbit/s + VAD
}


def r_to_mos(r: float) -> float:
    """G.107 Annex B: MOS (conversational quality estimate) from R."""
    if r < 0:
        return 1.0
    if r > 100:
        return 4.5
    return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6


@dataclass(frozen=True)
class EModel:
    """G.107 parameters (defaults from G.107 Table 3); delays in ms, Ppl in percent."""

    Ie: float = 0.0
    Bpl: float = 4.3
    Ppl: float = 0.0
    BurstR: float = 1.0
    Ta: float = 0.0
    T: float | None = None  # mean one-way delay of the echo path; default Ta
    Tr: float | None = None  # round-trip delay in a 4-wire loop; default 2 Ta
    SLR: float = 8.0
    RLR: float = 2.0
    STMR: float = 15.0
    LSTR: float = 18.0
    Ds: float = 3.0
    Dr: float = 3.0
    TELR: float = 65.0
    WEPL: float = 110.0
    qdu: float = 1.0
    Nc: float = -70.0
    Nfor: float = -64.0
    Ps: float = 35.0
    Pr: float = 35.0
    A: float = 0.0
    mT: float = 100.0
    sT: float = 1.0

    def __post_init__(self) -> None:
        if not 0 <= self.Ppl <= 100:
            raise AudioError(f"packet loss Ppl is a percentage 0..100, got {self.Ppl}")
        if self.BurstR < 1:
            raise AudioError(f"BurstR is at least 1 (1 = random loss), got {self.BurstR}")
        if self.Ta < 0:
            raise AudioError(f"delay Ta must not be negative, got {self.Ta}")

    @classmethod
    def for_codec(cls, codec: str, **kw: float) -> EModel:
        """An E-model with Ie and Bpl of a codec in `CODECS`."""
        try:
            ie, bpl = CODECS[codec.lower()]
        except KeyError:
            raise AudioError(
                f"no G.113 values for codec {codec!r}; known: {', '.join(CODECS)}"
            ) from None
        return cls(Ie=ie, Bpl=bpl, **kw)

    # -- the G.107 terms ----------------------------------------------------------------------
    @property
    def _t(self) -> float:
        return self.Ta if self.T is None else self.T

    @property
    def _tr(self) -> float:
        return 2 * self.Ta if self.Tr is None else self.Tr

    @property
    def No(self) -> float:  # total noise power at the 0 dBr point, dBm0p
        olr = self.SLR + self.RLR
        nos = self.Ps - self.SLR - self.Ds - 100 + 0.004 * (self.Ps - olr - self.Ds - 14) ** 2
        pre = self.Pr + 10 * math.log10(1 + 10 ** ((10 - self.LSTR) / 10))
        nor = self.RLR - 121 + pre + 0.008 * (pre - 35) ** 2
        nfo = self.Nfor + self.RLR
        return 10 * math.log10(sum(10 ** (x / 10) for x in (self.Nc, nos, nor, nfo)))

    @property
    def Ro(self) -> float:
        return 15 - 1.5 * (self.SLR + self.No)

    @property
    def Ist(self) -> float:  # sidetone impairment
        stmro = -10 * math.log10(
            10 ** (-self.STMR / 10) + math.exp(-self._t / 4) * 10 ** (-self.TELR / 10)
        )
        return (
            12 * (1 + ((stmro - 13) / 6) ** 8) ** (1 / 8)
            - 28 * (1 + ((stmro + 1) / 19.4) ** 35) ** (1 / 35)
            - 13 * (1 + ((stmro - 3) / 33) ** 13) ** (1 / 13)
            + 29
        )

    @property
    def Is(self) -> float:
        olr = self.SLR + self.RLR
        xolr = olr + 0.2 * (64 + self.No - self.RLR)
        iolr = 20 * ((1 + (xolr / 8) ** 8) ** (1 / 8) - xolr / 8)
        q = 37 - 15 * math.log10(self.qdu)
        g = 1.07 + 0.258 * q + 0.0602 * q**2
        y = (self.Ro - 100) / 15 + 46 / 8.4 - g / 9
        z = 46 / 30 - g / 40
        iq = 15 * math.log10(1 + 10**y + 10**z)
        return iolr + self.Ist + iq

    @property
    def Idte(self) -> float:
        t = self._t
        terv = self.TELR - 40 * math.log10((1 + t / 10) / (1 + t / 150)) + 6 * math.exp(-0.3 * t**2)
        if self.STMR < 9:  # G.107: low sidetone masks less echo
            terv += self.Ist / 2
        roe = -1.5 * (self.No - self.RLR)
        re = 80 + 2.5 * (terv - 14)
        idte = ((roe - re) / 2 + math.sqrt((roe - re) ** 2 / 4 + 100) - 1) * (1 - math.exp(-t))
        if self.STMR > 20:  # G.107: very loud sidetone
            idte = math.sqrt(idte**2 + self.Ist**2)
        return idte

    @property
    def Idle(self) -> float:
        rle = 10.5 * (self.WEPL + 7) * (self._tr + 1) ** -0.25
        return (self.Ro - rle) / 2 + math.sqrt((self.Ro - rle) ** 2 / 4 + 169)

    @property
    def Idd(self) -> float:
        if self.Ta <= self.mT:
            return 0.0
        x = math.log10(self.Ta / self.mT) / math.log10(2)
        s6 = 6 * self.sT
        return 25 * ((1 + x**s6) ** (1 / s6) - 3 * (1 + (x / 3) ** s6) ** (1 / s6) + 2)

    @property
    def Id(self) -> float:
        return self.Idte + self.Idle + self.Idd

    @property
    def Ie_eff(self) -> float:
        return self.Ie + (95 - self.Ie) * self.Ppl / (self.Ppl / self.BurstR + self.Bpl)

    @property
    def R(self) -> float:
        return self.Ro - self.Is - self.Id - self.Ie_eff + self.A

    @property
    def MOS(self) -> float:
        return r_to_mos(self.R)

    def report(self) -> dict[str, float]:
        """The terms, rounded for display."""
        return {
            k: round(getattr(self, k), 2) + 0.0  # + 0.0 turns -0.0 (Idte at no delay) into 0.0
            for k in ("Ro", "Is", "Idte", "Idle", "Idd", "Ie_eff", "A", "R", "MOS")
        }
