"""Errors a service raises on purpose. They cross RPC intact: nameko serialises the dotted path
and arguments, and the registry below rebuilds the same class in the gateway."""

import json
from typing import Any

from contracts import errors as codes
from nameko.exceptions import registry


class ServiceError(Exception):
    code = codes.INTERNAL

    def __init__(self, message: str, details: dict[str, Any] | str | None = None):
        # Text when rebuilt from an RPC reply (see below).
        loaded: dict[str, Any] | None = json.loads(details) if isinstance(details, str) else details
        self.message = message
        self.details = loaded or {}
        # The details cross RPC as JSON text: nameko's own serialisation would turn every number
        # and boolean in them into a string ("present": "60").
        super().__init__(message, json.dumps(self.details, ensure_ascii=False, default=str))

    @property
    def status(self) -> int:
        return codes.HTTP_STATUS[self.code]

    def __str__(self) -> str:
        return self.message


class ValidationFailed(ServiceError):
    code = codes.VALIDATION_FAILED


class Unauthenticated(ServiceError):
    code = codes.UNAUTHENTICATED


class Forbidden(ServiceError):
    code = codes.FORBIDDEN


class NotFound(ServiceError):
    code = codes.NOT_FOUND


class Conflict(ServiceError):
    code = codes.CONFLICT


class RuleViolation(ServiceError):
    code = codes.RULE_VIOLATION


class RateLimited(ServiceError):
    code = codes.RATE_LIMITED


class LevelUnavailable(ServiceError):
    code = codes.LEVEL_UNAVAILABLE


class DatabaseUnavailable(ServiceError):
    """The service's database cannot be reached (or is locked) right now: retry shortly."""

    code = codes.DATABASE_UNAVAILABLE


# The three refusals every service builds the same way (a service's errors module re-exports
# them beside its own: `errors.rule(...)` reads the same in every service).
def rule(message: str, details: dict[str, Any] | None = None) -> RuleViolation:
    return RuleViolation(message, details or {})


def invalid(message: str, field: str) -> ValidationFailed:
    """One field's refusal, with the message under that field (as a schema's)."""
    return ValidationFailed(message, {field: [message]})


def conflict(message: str, details: dict[str, Any] | None = None) -> Conflict:
    return Conflict(message, details or {})


def _register_for_rpc() -> None:
    classes: tuple[type[ServiceError], ...] = (ServiceError, *ServiceError.__subclasses__())
    for cls in classes:
        registry[f"{cls.__module__}.{cls.__name__}"] = cls


_register_for_rpc()


def expected_with(extra: Any = ()) -> tuple[type[BaseException], ...]:
    """What an entrypoint tells nameko to expect: every ServiceError (the service's answer, a
    4xx for the caller, not a fault), plus what it names itself. nameko logs those as
    "(expected)", which servicekit.logging keeps to one INFO line without a traceback."""
    named = extra if isinstance(extra, tuple) else (extra,)
    return (ServiceError, *named)
