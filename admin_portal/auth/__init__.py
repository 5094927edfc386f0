"""Passwords, tokens and permissions: the security primitives the services build on."""
