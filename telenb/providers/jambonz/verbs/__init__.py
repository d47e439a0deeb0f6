"""jambonz application documents: JSON arrays of verbs, normalised and checked as jambonz does."""
