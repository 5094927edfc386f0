"""Användare's search box at any typing speed: the list always ends on the final text (issue 17).

The box is debounced (pages/users/listing.py): keys closer together than the debounce send
one search, keys further apart send one each, and their answers may still be on the way when
the next key lands. Whatever the speed, what the list finally shows must be the result of
what the box finally says.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in, wait_until_ready

pytestmark = pytest.mark.e2e


def _users_page(new_page) -> Page:
    page = new_page()
    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    wait_until_ready(page)
    expect(page.get_by_label("Sök")).to_have_value("")
    return page


def _shows_only_cecilia(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"[?&]q=cecilia(&|$)"))
    expect(page.get_by_role("rowheader", name="Cecilia Carlsson")).to_be_visible()
    expect(page.get_by_role("rowheader")).to_have_count(1)
    expect(page.get_by_label("Sök")).to_have_value("cecilia")


@pytest.mark.parametrize("delay_ms", [0, 30, 120, 400])
def test_typing_at_any_speed_ends_on_the_final_text(new_page, delay_ms: int):
    page = _users_page(new_page)
    box = page.get_by_label("Sök")
    # A text nobody matches first, slowly enough that its searches are sent one by one …
    box.press_sequentially("zzx", delay=400)
    # … then rubbed out and the real name typed at this speed, while answers are in flight.
    for _ in range(3):
        box.press("Backspace")
        page.wait_for_timeout(delay_ms)
    box.press_sequentially("cecilia", delay=delay_ms)
    _shows_only_cecilia(page)
    page.wait_for_timeout(600)  # nothing that arrives later may overwrite the final result
    _shows_only_cecilia(page)
