"""The one input toolkit: one id rule (validation/ids) and one field-error collector."""

from __future__ import annotations

import pytest

from admin_portal import routes
from admin_portal.auth.password_policy import new_password_problem
from admin_portal.validation.fields import FieldErrors
from admin_portal.validation.ids import ID_MAX, parse_id, parse_ids
from admin_portal.validation.names import clean_person_name


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        (7, 7),
        ("7", 7),
        (" 12 ", 12),
        (ID_MAX, ID_MAX),
        (str(ID_MAX), ID_MAX),
        (0, None),
        ("0", None),
        (-3, None),
        ("-3", None),
        (ID_MAX + 1, None),
        (str(ID_MAX + 1), None),
        ("9" * 40, None),
        (True, None),
        (1.0, None),
        ("1.0", None),
        ("١٢", None),  # other scripts' digits name no id
        ("", None),
        (None, None),
        (["1"], None),
    ],
)
def test_one_rule_for_an_id_a_client_sent(sent: object, expected: int | None) -> None:
    assert parse_id(sent) == expected


def test_a_list_of_ids_is_parsed_sorted_and_without_repeats() -> None:
    assert parse_ids(["3", 1, "x", 3, True, 0]) == (1, 3)
    assert parse_ids("12") == ()  # a string is no list: not the ids 1 and 2


def test_a_profile_path_names_a_user_only_with_a_real_id() -> None:
    assert routes.user_id_from_path("/anvandare/42") == 42
    assert routes.user_id_from_path("/anvandare/42/") == 42
    assert routes.user_id_from_path("/anvandare/ny") is None
    assert routes.user_id_from_path("/anvandare/ 42") is None
    assert routes.user_id_from_path(f"/anvandare/{ID_MAX + 1}") is None


def test_field_errors_collect_every_wrong_field() -> None:
    errors = FieldErrors()
    assert errors.check("first_name", clean_person_name, "  Åsa ") == "Åsa"
    assert errors.check("last_name", clean_person_name, "") is None
    assert list(errors) == ["last_name"] and errors["last_name"]
    assert isinstance(errors, dict)


def test_a_new_password_is_judged_before_its_repetition() -> None:
    strong = "kanelbulle i solsken vid sjön"
    mismatch = "x.mismatch"
    assert new_password_problem(strong, strong, personal_words=[], mismatch_key=mismatch) is None
    assert new_password_problem(strong, "other", personal_words=[], mismatch_key=mismatch) == (
        "repeat",
        mismatch,
    )
    field, key = new_password_problem("kort", "annat", personal_words=[], mismatch_key=mismatch)
    assert (field, key) == ("password", "password.too_short")
