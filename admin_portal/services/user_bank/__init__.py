"""Användarbanken: restore, erase, retention and the purge (its search is in admin_portal.search)."""
