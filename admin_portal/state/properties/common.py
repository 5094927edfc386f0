"""Helpers shared by the Boenden states: form reading and the rights checkboxes."""

from __future__ import annotations

from admin_portal.models import ALL_RIGHTS

RIGHT_FIELD_PREFIX = "right__"


def form_text(form: object, name: str) -> str:
    value = form.get(name, "") if isinstance(form, dict) else ""
    return value if isinstance(value, str) else ""


def right_field(property_id: int | str, right: str) -> str:
    """The checkbox name of one right on one property: "right__<id>__<right>"."""
    return f"{RIGHT_FIELD_PREFIX}{property_id}__{right}"


def rights_from_form(form: object, property_ids: list[int]) -> dict[str, list[str]]:
    """{property id: [rights]} from the checkboxes of the properties the page offered.

    Only the offered ids are read; the service checks each of them again anyway.
    """
    chosen: dict[str, list[str]] = {}
    if not isinstance(form, dict):
        return chosen
    for property_id in property_ids:
        rights = [r for r in ALL_RIGHTS if form.get(right_field(property_id, r))]
        chosen[str(property_id)] = rights
    return chosen


def property_rows(administered: list[tuple[int, str]], rights: dict[int, list[str]]) -> list[dict]:
    """Rows for a rights grid: each property with the rights the signed-in person holds there."""
    return [
        {
            "id": pid,
            "name": name,
            "rights": [
                {"right": r, "field": right_field(pid, r), "key": f"properties.right.{r}"}
                for r in ALL_RIGHTS
                if r in rights.get(pid, [])
            ],
        }
        for pid, name in administered
    ]
