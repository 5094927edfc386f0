"""One module per page; each registers itself with @rx.page."""
