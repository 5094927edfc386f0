"""Input validation and normalisation: pure functions, no database, no web framework."""
