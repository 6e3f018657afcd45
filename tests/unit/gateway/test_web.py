"""gateway.web and servicekit.http read headers whole: `$` also matches before a trailing
newline, so a pattern that must cover the whole value is matched with fullmatch."""

from types import SimpleNamespace

import pytest
from servicekit.errors import ValidationFailed
from servicekit.http import request_id_of

from gateway import web


def with_headers(**headers):
    return SimpleNamespace(headers={k.replace("_", "-"): v for k, v in headers.items()})


def test_an_idempotency_key_with_a_trailing_newline_is_refused():
    assert web.idempotency_key(with_headers(Idempotency_Key="retry-1")) == "retry-1"
    with pytest.raises(ValidationFailed, match="Idempotency-Key"):
        web.idempotency_key(with_headers(Idempotency_Key="retry-1\n"))


def test_a_request_id_with_a_trailing_newline_is_replaced():
    assert request_id_of(with_headers(X_Request_ID="abcdefgh-1")) == "abcdefgh-1"
    assert request_id_of(with_headers(X_Request_ID="abcdefgh-1\n")) != "abcdefgh-1\n"
