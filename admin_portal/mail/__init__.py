"""Mail: pure message builders -> outbox rows (caller's transaction) -> dispatcher -> sender."""
