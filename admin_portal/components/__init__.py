"""Presentational pieces: arguments in, rx.Component out."""
