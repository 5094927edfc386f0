"""E-mail verification: one person's link (F1.1) and the bulk job over a search (F1.2)."""
