"""NCCO documents (Vonage Call Control Objects): parse and check them as Vonage does."""

from .parse import Action, NccoError, parse_ncco

__all__ = ["Action", "NccoError", "parse_ncco"]
