"""The SCIM routes as a standalone ASGI app, for the live compliance check (granian serves it)."""

from starlette.applications import Starlette

from admin_portal.api.scim.routes import scim_routes

app = Starlette(routes=scim_routes)
