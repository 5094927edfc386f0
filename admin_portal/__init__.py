"""admin_portal: administrators of a customer organisation manage the people who use their service."""
