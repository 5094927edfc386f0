"""Reflex state: one substate per page over SessionState. Handlers call services, nothing else."""
