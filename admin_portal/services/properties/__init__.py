"""Boenden (seed 002): partner agreements, properties, primary accounts and access rights.

The capability's public functions; the modules beside this one each hold one part.
"""

from admin_portal.services.properties.access import (
    PrimaryAccountFixed,
    PropertyUser,
    list_property_users,
    remove_access,
    set_access_rights,
)
from admin_portal.services.properties.exceptions import (
    link_property_exception,
    link_property_exception_by_names,
)
from admin_portal.services.properties.existing_user import (
    MatchedUser,
    grant_existing_user,
    match_existing_user,
)
from admin_portal.services.properties.invitations import (
    accept_property_invitation,
    describe_property_invitation,
    invite_property_user,
)
from admin_portal.services.properties.listing import PropertyPage, PropertyRow, list_properties
from admin_portal.services.properties.overview import AccountOverview, account_overview
from admin_portal.services.properties.registration import (
    PROPERTY_TYPES,
    OtherAgreement,
    add_existing_property,
    register_property,
)
from admin_portal.services.properties.requests import (
    RequestRow,
    approve_request,
    list_my_requests,
    list_property_requests,
    reject_request,
    request_ownership_change,
    request_primary_account,
    request_termination,
)

__all__ = [
    "PROPERTY_TYPES",
    "AccountOverview",
    "MatchedUser",
    "OtherAgreement",
    "PrimaryAccountFixed",
    "PropertyPage",
    "PropertyRow",
    "PropertyUser",
    "RequestRow",
    "accept_property_invitation",
    "account_overview",
    "add_existing_property",
    "approve_request",
    "describe_property_invitation",
    "grant_existing_user",
    "invite_property_user",
    "link_property_exception",
    "link_property_exception_by_names",
    "list_my_requests",
    "list_properties",
    "list_property_requests",
    "list_property_users",
    "match_existing_user",
    "register_property",
    "reject_request",
    "remove_access",
    "request_ownership_change",
    "request_primary_account",
    "request_termination",
    "set_access_rights",
]
