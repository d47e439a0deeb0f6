"""SMS: GSM-7/UCS-2 encoding, segments and pricing."""
