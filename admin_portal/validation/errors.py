"""The one exception the validators raise: a message key and, sometimes, parameters."""

from __future__ import annotations


class InvalidInput(ValueError):
    """A value the user typed is wrong. `key` is a message key in the i18n catalogue.

    `params` holds only harmless facts such as limits (`{"max": 100}`), never the input
    itself: the value may be a personnummer, and exceptions end up in logs. The catalogue
    texts do not depend on `params`, so `t(key, lang)` alone gives a complete message.
    """

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params: dict[str, object] = dict(params)

    def __repr__(self) -> str:
        return f"InvalidInput({self.key!r})"
