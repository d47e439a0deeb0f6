"""TwiML documents: safe parsing, typed attributes, and rendering telenb verbs as TwiML."""
