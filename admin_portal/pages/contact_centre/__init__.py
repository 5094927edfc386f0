"""Kontaktcenter pages: the agent list, Lägg till agent and the agent page."""
