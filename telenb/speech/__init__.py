"""Speech: text-to-speech voices and speech recognition."""
