"""The one field-error collector: every wrong field of a form is reported at once.

Services validate a form field by field and raise `ValidationFailed(errors)` when anything is
wrong; `FieldErrors` is that `errors` mapping (field name -> message key), with the step every
service used to spell out itself: run a validator, and on `InvalidInput` note its key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from admin_portal.validation.errors import InvalidInput

T = TypeVar("T")


class FieldErrors(dict[str, str]):
    """Field name -> message key of what is wrong with it (a dict, so callers read it as one)."""

    def check(self, field: str, validator: Callable[[str], T], raw: str) -> T | None:
        """`validator(raw)`, or None after noting its message key under `field`.

        Args:
            field: The form field the value came from.
            validator: A validation function raising `InvalidInput`.
            raw: The typed text.

        Returns:
            The cleaned value, or None when the validator refused it.
        """
        try:
            return validator(raw)
        except InvalidInput as problem:
            self[field] = problem.key
            return None
