"""REST API under /api/v1 (issue 15), described by /api/v1/openapi.json."""
