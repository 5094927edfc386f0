"""Message builders: language, escaping and links that come from PUBLIC_BASE_URL only."""

from __future__ import annotations

from collections.abc import Callable

from admin_portal.config import get_settings
from admin_portal.mail.messages import reset_password_message, welcome_message

TOKEN = "tok_AbC-123"


def test_welcome_message_in_swedish_has_username_link_and_validity() -> None:
    message = welcome_message(lang="sv", name="Åsa", username="asa.l", raw_token=TOKEN)

    assert message.kind == "welcome"
    assert message.language == "sv"
    assert message.subject == "Välkommen – välj ditt lösenord"
    assert '<html lang="sv">' in message.html
    assert "Hej Åsa!" in message.html and "Hej Åsa!" in message.text
    assert "asa.l" in message.text
    assert f"{get_settings().set_password_link_hours} timmar" in message.text
    link = f"http://portal.test/satt-losenord?token={TOKEN}"
    assert f'href="{link}"' in message.html
    assert link in message.text


def test_welcome_message_in_english() -> None:
    message = welcome_message(lang="en", name="Sam", username="sam", raw_token=TOKEN)

    assert message.language == "en"
    assert message.subject == "Welcome – choose your password"
    assert '<html lang="en">' in message.html
    assert "Hello Sam," in message.text
    assert "Choose password" in message.html
    assert "Välj" not in message.html + message.text


def test_unknown_language_falls_back_to_swedish() -> None:
    message = reset_password_message(lang="de", name="Kim", username="kim", raw_token=TOKEN)

    assert message.language == "sv"
    assert message.subject == "Välj ett nytt lösenord"


def test_reset_message_states_the_link_lifetime_in_minutes() -> None:
    message = reset_password_message(lang="en", name="Kim", username="kim", raw_token=TOKEN)

    assert message.kind == "reset_password"
    assert message.subject == "Choose a new password"
    assert f"{get_settings().reset_password_link_minutes} minutes" in message.text
    assert f"http://portal.test/satt-losenord?token={TOKEN}" in message.html


def test_names_and_usernames_are_escaped_in_html_but_not_in_text() -> None:
    name = '<script>alert("x")</script>'
    message = welcome_message(lang="sv", name=name, username="a&b<i>", raw_token=TOKEN)

    assert "<script>" not in message.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in message.html
    assert "a&amp;b&lt;i&gt;" in message.html
    assert "<i>" not in message.html
    # Plain text is never rendered as markup: escaping there would only garble the name.
    assert name in message.text
    assert "a&b<i>" in message.text


def test_links_follow_public_base_url(configure: Callable[..., None]) -> None:
    configure(public_base_url="https://portal.example.se/")

    message = welcome_message(lang="en", name="Sam", username="sam", raw_token=TOKEN)

    link = f"https://portal.example.se/satt-losenord?token={TOKEN}"
    assert f'href="{link}"' in message.html
    assert link in message.text
    assert "portal.test" not in message.html + message.text


def test_settings_are_restored_after_a_test_changed_them() -> None:
    # Runs after the test above (file order): its base URL must not leak into other tests.
    assert get_settings().public_base_url == "http://portal.test"
