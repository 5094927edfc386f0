"""State of the Boenden pages (seed 002)."""
