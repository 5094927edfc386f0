"""UI text in the chosen language, switched in the browser without a round trip."""

from __future__ import annotations

import reflex as rx

from admin_portal.i18n import EN, SV
from admin_portal.state.session import SessionState


def tx(key: str, **params: object) -> rx.Var:
    """The catalogue text for `key`; params may be Vars (rendered live)."""
    sv, en = SV.get(key, key), EN.get(key, SV.get(key, key))
    if params:
        sv, en = sv.format(**params), en.format(**params)
    return rx.cond(SessionState.lang == "en", en, sv)
