"""The OpenAPI document offers exactly the user types the services accept (one list)."""

from __future__ import annotations

from admin_portal.api.rest.openapi import DOCUMENT
from admin_portal.models import USER_TYPE_CHOICES, UserType
from admin_portal.services.users.input import UserInput, clean_user_input
from admin_portal.validation.fields import FieldErrors


def _user_type_schemas() -> list[dict]:
    found: list[dict] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            schema = node.get("properties", {}).get("user_type")
            if isinstance(schema, dict) and "enum" in schema:
                found.append(schema)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(DOCUMENT)
    return found


def test_every_user_type_enum_is_the_services_list() -> None:
    schemas = _user_type_schemas()
    assert schemas, "the users' write schema names user_type with an enum"
    for schema in schemas:
        assert schema["enum"] == list(USER_TYPE_CHOICES)
    assert UserType.ADMINISTRATOR.value in schemas[0]["enum"]


def test_the_services_accept_each_documented_type_and_refuse_others() -> None:
    (schema, *_) = _user_type_schemas()
    for user_type in [*schema["enum"], "superuser"]:
        errors = FieldErrors()
        clean_user_input(UserInput(user_type=user_type), errors)
        accepted = "user_type" not in errors
        assert accepted == (user_type in schema["enum"]), user_type
