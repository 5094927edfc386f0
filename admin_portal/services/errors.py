"""Domain errors. Each carries a message key the entrances translate for the user."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal the user should understand. `field` names the form field it belongs to."""

    # True for refusals on scope or permission: an entrance that meets one records an
    # `authorization_failed` audit event after the rollback (services/auth/denials.py).
    records_denial: bool = False

    def __init__(self, key: str, *, field: str | None = None, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.params = params


class NotFound(ServiceError):
    """Also used for objects outside the actor's scope, so existence is never revealed."""

    # Out of scope and absent look the same on purpose, so both are recorded: an id that does
    # not exist in the actor's scope is what a forging client sends.
    records_denial = True

    def __init__(self, key: str = "error.not_found") -> None:
        super().__init__(key)


class PermissionDenied(ServiceError):
    records_denial = True

    def __init__(self, key: str = "error.permission_denied") -> None:
        super().__init__(key)


class ValidationFailed(ServiceError):
    """One or more fields are wrong: `errors` maps field name -> message key."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("error.validation")
        self.errors = errors
