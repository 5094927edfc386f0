"""Where a revealed personnummer lives: in the browser tab's React state, never in Reflex state.

A state var would be sent again in every hydrate, kept in the state store (pickled under
`.states/` or in Redis) and survive navigation. A client-side var is filled only by the
frame answering an authorised Visa and emptied when the profile loads or unmounts.
"""

from __future__ import annotations

from reflex.event import EventSpec
from reflex.experimental.client_state import ClientStateVar

REVEALED_NATIONAL_ID = ClientStateVar.create("revealed_national_id", "")


def hide_national_id() -> EventSpec:
    """The event that masks the number again in the tab (and forgets it there)."""
    return REVEALED_NATIONAL_ID.push("")
