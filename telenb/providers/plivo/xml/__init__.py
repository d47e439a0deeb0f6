"""Plivo XML documents: parse and check (`parse`)."""
