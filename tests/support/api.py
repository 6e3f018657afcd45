"""One caller of the gateway over HTTP, as the e2e journeys use it."""

from typing import Any

import requests


def assert_envelope(response: requests.Response, status: int) -> dict[str, Any]:
    """A clear refusal: the status, JSON, and the error envelope with a message."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    error: dict[str, Any] = response.json()["error"]
    assert set(error) == {"code", "message", "details"} and error["message"]
    return error


class Api:
    """`call` asserts the status and returns the JSON body; `refused` asserts a 4xx envelope."""

    def __init__(self, base: str, headers: dict[str, str] | None = None):
        self.base, self.headers = base, headers or {}

    def raw(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(
            method, f"{self.base}{path}", headers=self.headers, timeout=20, **kwargs
        )

    def call(self, method: str, path: str, expect: int, **kwargs: Any) -> Any:
        response = self.raw(method, path, **kwargs)
        assert response.status_code == expect, (method, path, response.text)
        return response.json()

    def refused(self, method: str, path: str, expect: int, **kwargs: Any) -> dict[str, Any]:
        return assert_envelope(self.raw(method, path, **kwargs), expect)
