"""Demo data for a new database (`make run`)."""
