"""Front doors to real networks and vendor formats (Twilio first)."""
