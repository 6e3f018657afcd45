"""Reading an HTML form into the API's JSON body, and the API's refusal back onto the form.

A form sends text; the API's schema wants types. Each page names its fields' kinds here and
leaves the rules to the API: the page shows the API's own per-field messages next to the
fields they name, so a page can never accept what the API refuses, or word it differently.
"""

from collections.abc import Iterable
from typing import Any

from servicekit.errors import ValidationFailed
from werkzeug.datastructures import MultiDict

FieldErrors = dict[str, list[str]]


def text_or_none(form: MultiDict[str, str], name: str) -> str | None:
    value = form.get(name, "").strip()
    return value or None


def checked(form: MultiDict[str, str], name: str) -> bool:
    return form.get(name) in ("1", "on", "true", "yes")


def body_of(
    form: MultiDict[str, str], texts: Iterable[str] = (), flags: Iterable[str] = ()
) -> dict[str, Any]:
    """Text fields (blank: absent, so the schema's own default or `required` applies) and
    check boxes (absent: false)."""
    body: dict[str, Any] = {}
    for name in texts:
        value = text_or_none(form, name)
        if value is not None:
            body[name] = value
    for name in flags:
        body[name] = checked(form, name)
    return body


def field_errors(exc: ValidationFailed) -> FieldErrors:
    """The API's per-field messages (details: {field: [message, …]}); nested ones flattened to
    their top field, and `_schema` kept as the form's own message."""
    details = exc.details if isinstance(exc.details, dict) else {}
    found: FieldErrors = {}
    for name, messages in details.items():
        found[str(name)] = list(_messages(messages))
    return found


def _messages(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _messages(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _messages(item)
