"""Creates the app, mounts the HTTP routes and imports the pages. Nothing else."""

import reflex as rx
from starlette.applications import Starlette

from admin_portal.api.security_headers import security_headers
from admin_portal.api.session_routes import session_routes
from admin_portal.api.spreadsheet_routes import spreadsheet_routes
from admin_portal.pages import (  # noqa: F401  (each module registers its pages)
    admin_sections,
    audit_log,
    dev_mail,
    forgot_password,
    invitation,
    login,
    min_organisation,
    my_account,
    my_services,
    organisation_invite,
    properties_add_user,
    properties_home,
    properties_invitation,
    properties_new,
    properties_requests,
    properties_users,
    set_password,
    support_inbox,
    two_factor_login,
    user_bank,
    user_import,
    user_new,
    user_profile,
    users_list,
    verify_email,
)

app = rx.App(
    html_lang="sv",
    # Plain toasts: the "rich" colours fail WCAG contrast for small text.
    toaster=rx.toast.provider(rich_colors=False, close_button=True, position="top-center"),
    # Our routes first; then the security headers wrap everything (pages, assets, routes).
    api_transformer=[Starlette(routes=[*session_routes, *spreadsheet_routes]), security_headers],
)
