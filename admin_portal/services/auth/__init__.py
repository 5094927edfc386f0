"""Signing in and staying safe: log-in, sessions and password links, password change,
two-factor (enrolment, codes, the login's second step), rate limits, and the audit of
refused calls (denials)."""
