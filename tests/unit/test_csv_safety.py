"""Formula neutralisation: nothing exported runs as a formula, and import reads it back exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from admin_portal.validation.csv_safety import neutralise, restore


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+46701234567", "'+46701234567"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),
        ("Anna", "Anna"),
        ("anna@example.se", "anna@example.se"),
        ("'abc", "'abc"),
        ("", ""),
    ],
)
def test_cells_that_could_run_get_an_apostrophe_first(value: str, cell: str) -> None:
    assert neutralise(value) == cell
    assert restore(cell) == value


def test_a_phone_number_is_neutralised_but_imports_unchanged() -> None:
    assert neutralise("+46 70 123 45 67").startswith("'")
    assert restore(neutralise("+46 70 123 45 67")) == "+46 70 123 45 67"


def test_an_apostrophe_before_ordinary_text_is_left_alone_on_import() -> None:
    assert restore("'hej") == "'hej"
    assert restore("'") == "'"


@given(st.text())
def test_every_value_round_trips(value: str) -> None:
    cell = neutralise(value)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert restore(cell) == value
