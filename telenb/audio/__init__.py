"""Audio: the Audio value type, G.711, DTMF, call-progress tones, the channel model, analysis.

Importing this package needs only numpy; soundfile, soxr, scipy and matplotlib load on
first use.
"""

from .analysis import Levels, Segment, clipping, levels, spectrogram, speech_segments
from .channel import Channel, Transmission
from .core import DBM0_DBFS, LINE_RATE, Audio, as_audio, dbfs_to_dbm0, dbm0_to_dbfs
from .dtmf import DtmfDetector, DtmfEvent, detect_dtmf, digits_of, generate_dtmf
from .emodel import EModel, r_to_mos
from .g711 import alaw_decode, alaw_encode, codec_roundtrip, ulaw_decode, ulaw_encode
from .inspect import Inspection, inspect
from .rfc4733 import TelephoneEvent, dtmf_to_packets, packets_to_dtmf
from .tones import call_progress_tone, sine, tone_spec

__all__ = [
    "DBM0_DBFS",
    "LINE_RATE",
    "Audio",
    "Channel",
    "DtmfDetector",
    "DtmfEvent",
    "EModel",
    "Inspection",
    "Levels",
    "Segment",
    "TelephoneEvent",
    "Transmission",
    "alaw_decode",
    "alaw_encode",
    "as_audio",
    "call_progress_tone",
    "clipping",
    "codec_roundtrip",
    "dbfs_to_dbm0",
    "dbm0_to_dbfs",
    "detect_dtmf",
    "digits_of",
    "dtmf_to_packets",
    "generate_dtmf",
    "inspect",
    "levels",
    "packets_to_dtmf",
    "r_to_mos",
    "sine",
    "spectrogram",
    "speech_segments",
    "tone_spec",
    "ulaw_decode",
    "ulaw_encode",
]
