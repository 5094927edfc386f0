"""Domain errors. Each carries a message key the entrances translate for the user."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal the user should understand. `field` names the form field it belongs to."""

    def __init__(self, key: str, *, field: str | None = None, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.params = params


class NotFound(ServiceError):
    """Also used for objects outside the actor's scope, so existence is never revealed."""

    def __init__(self, key: str = "error.not_found") -> None:
        super().__init__(key)


class PermissionDenied(ServiceError):
    def __init__(self, key: str = "error.permission_denied") -> None:
        super().__init__(key)


class ValidationFailed(ServiceError):
    """One or more fields are wrong: `errors` maps field name -> message key."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("error.validation")
        self.errors = errors
