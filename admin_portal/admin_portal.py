"""Creates the app, mounts the HTTP routes and imports the pages. Nothing else."""

import reflex as rx
from reflex_base.registry import RegistrationContext
from starlette.applications import Starlette

from admin_portal.api.rest.routes import rest_routes
from admin_portal.api.scim.routes import scim_routes
from admin_portal.api.security_headers import security_headers
from admin_portal.api.session_routes import session_routes
from admin_portal.api.spreadsheet_routes import spreadsheet_routes
from admin_portal.api.webhook_routes import webhook_routes
from admin_portal.cluster.sessions import keep_tabs_across_worker_deaths

# Each module registers its pages.
from admin_portal.pages import (
    admin_sections,
    api_clients,
    audit_log,
    catalogue,
    dev_mail,
    support_inbox,
    therapist_cases,
    user_bank,
)
from admin_portal.pages.auth import (
    forgot_password,
    login,
    my_account,
    set_password,
    two_factor_login,
)
from admin_portal.pages.contact_centre import agent as cc_agent
from admin_portal.pages.contact_centre import agents as cc_agents
from admin_portal.pages.contact_centre import dev_sms as cc_dev_sms
from admin_portal.pages.contact_centre import new as cc_new
from admin_portal.pages.contact_centre import one_time_password as cc_otp
from admin_portal.pages.invitations import acceptance, invite, my_organisation, my_services
from admin_portal.pages.properties import (
    add_user as property_add_user,
)
from admin_portal.pages.properties import (
    home as property_home,
)
from admin_portal.pages.properties import (
    invitation as property_invitation,
)
from admin_portal.pages.properties import (
    new as property_new,
)
from admin_portal.pages.properties import (
    requests as property_requests,
)
from admin_portal.pages.properties import (
    users as property_users,
)
from admin_portal.pages.spreadsheets import user_import
from admin_portal.pages.users import listing, new, profile
from admin_portal.pages.verification import email

# Imported for their side effect (each registers its pages); named here so nothing
# looks unused.
_PAGES = (
    admin_sections,
    catalogue,
    therapist_cases,
    api_clients,
    audit_log,
    dev_mail,
    support_inbox,
    user_bank,
    forgot_password,
    login,
    my_account,
    set_password,
    two_factor_login,
    acceptance,
    invite,
    my_organisation,
    my_services,
    user_import,
    listing,
    new,
    profile,
    email,
    property_add_user,
    property_home,
    property_invitation,
    property_new,
    property_requests,
    property_users,
    cc_agents,
    cc_new,
    cc_agent,
    cc_otp,
    cc_dev_sms,
)

app = rx.App(
    html_lang="sv",
    # Plain toasts: the "rich" colours fail WCAG contrast for small text.
    toaster=rx.toast.provider(rich_colors=False, close_button=True, position="top-center"),
    # Our routes first; then the security headers wrap everything (pages, assets, routes).
    api_transformer=[
        Starlette(
            routes=[
                *session_routes,
                *spreadsheet_routes,
                *rest_routes,
                *scim_routes,
                *webhook_routes,
            ]
        ),
        security_headers,
    ],
)


def _register_pages_once(portal: rx.App) -> None:
    """Move the pages that `@rx.page` collected onto the app, once, here.

    Reflex adds the collected pages at every compile (`compile_app` calls
    `App._apply_decorated_pages`). In prod `reflex run` compiles in its supervisor process,
    then forks the backend workers, which compile again on the same app object: every page
    was added a second time ("Page ... is being redefined with the same component"). Added
    here at import and taken off the list, each page is registered exactly once, in every
    process and however many compiles follow.
    """
    collected = RegistrationContext.ensure_context().decorated_pages
    for render, kwargs in collected:
        portal.add_page(render, **kwargs)
    collected.clear()


_register_pages_once(app)
# With several workers sharing Redis, a tab whose worker died keeps its token and state.
keep_tabs_across_worker_deaths(app)
