"""Kontaktcenter (seed 003, F3.1–F3.9): agents, user groups, numeric IDs, profiles, queues.

Agents are users: creation and removal go through the users capability's public
functions (`services.users.manage`), which check scope; this package adds the
contact-centre facts and the queue guards on top.
"""
