"""English texts of issue 14's Min organisation items: paging, the service catalogue, therapists."""

MESSAGES: dict[str, str] = {
    # Paging and search on Invited / Registered
    "myorg.search_invited": "Search invited people",
    "myorg.search_registered": "Search registered people",
    "myorg.search_placeholder": "Name or e-mail",
    "myorg.search_button": "Search",
    "myorg.previous": "Previous",
    "myorg.next": "Next",
    "myorg.page": "Page {page}",
    "myorg.no_match": "Nobody in the tab matches the search.",
}
