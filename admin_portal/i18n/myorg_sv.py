"""Svenska texts of issue 14's Min organisation items: paging, the service catalogue, therapists."""

MESSAGES: dict[str, str] = {
    # Paging and search on Inbjudna / Registrerade
    "myorg.search_invited": "Sök bland inbjudna",
    "myorg.search_registered": "Sök bland registrerade",
    "myorg.search_placeholder": "Namn eller e-post",
    "myorg.search_button": "Sök",
    "myorg.previous": "Föregående",
    "myorg.next": "Nästa",
    "myorg.page": "Sida {page}",
    "myorg.no_match": "Ingen i fliken matchar sökningen.",
}
