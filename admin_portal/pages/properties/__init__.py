"""Boenden (seed 002): Hem (gruppkonto), registration, users and rights, requests."""
