"""Hostile input the gateway reads itself (tests.support.gateway: real HTTP, a recording fake
behind it): JSON integers past Python's 4,300-digit limit and nesting past the recursion limit,
integers in query strings and paths written with other digits than 0-9, patterns that must
match the whole value, and path values with control characters. Each is a 4xx with the error
envelope and reaches no service, instead of a 500 (or, for other digits, another value)."""

import pytest
from servicekit.auth import Principal

from tests.support.gateway import SESSION_ID, bearer, envelope, running_gateway

STAFF = Principal("u-1", ("admin",), "150622")
TOKEN = "T" + "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CAST = {"session_id": "T-" + "a" * 32, "token": TOKEN, "choices": {"p1": "approve"}}
JSON = {"Content-Type": "application/json"}
S = f"/api/v1/sessions/{SESSION_ID}"
BODY_ROUTES = ["/api/v1/auth/token", "/api/v1/proposals", "/api/v1/ballots"]


@pytest.fixture
def gateway(monkeypatch, tmp_path):
    # The production body limit (256 KiB): a 5,000-digit number and 100,000 brackets fit in it.
    with running_gateway(monkeypatch, tmp_path, max_body_bytes=256 * 1024) as gateway:
        yield gateway


@pytest.fixture(autouse=True)
def no_calls_yet(gateway):
    gateway.calls.clear()
    yield
    assert gateway.calls == []


class TestJsonBodies:
    @pytest.mark.parametrize("path", BODY_ROUTES)
    def test_an_integer_of_5000_digits_is_400(self, gateway, path):
        body = b'{"username": "admin", "password": "x", "n": ' + b"9" * 5000 + b"}"
        error = envelope(gateway.request("post", path, data=body, headers=JSON), 400)
        assert error["code"] == "bad_json" and "整数" in error["message"]

    @pytest.mark.parametrize("path", BODY_ROUTES)
    def test_100000_nested_brackets_are_400(self, gateway, path):
        error = envelope(gateway.request("post", path, data=b"[" * 100_000, headers=JSON), 400)
        assert error["code"] == "bad_json"

    def test_nesting_the_decoder_accepts_is_still_refused_by_the_schema(self, gateway):
        body = b'{"session_id": "T-' + b"a" * 32 + b'", "token": "' + TOKEN.encode()
        body += b'", "choices": {"p1": ' + b"[" * 500 + b"]" * 500 + b"}}"
        error = envelope(gateway.request("post", "/api/v1/ballots", data=body, headers=JSON), 400)
        assert "choices" in error["details"]


class TestQueryIntegers:
    @pytest.mark.parametrize(
        "value",
        ["²", "٣", "３", "9" * 5000, "-1", " 1", "1 ", "1_0"],
        ids=["superscript", "arabic-indic", "fullwidth", "5000 digits", "minus", "lead", "trail",
             "underscore"],
    )  # fmt: skip
    def test_anything_but_ascii_digits_is_400_naming_the_field(self, gateway, value):
        response = gateway.request("get", f"{S}/export.json", params={"round": value})
        assert "round" in envelope(response, 400)["details"]

    def test_a_non_strict_integer_field_refuses_other_digits_too(self, gateway):
        path = f"/api/v1/draft-lists/{'0' * 8}-0000-0000-0000-{'0' * 12}/diff"
        response = gateway.request(
            "get", path, params={"from": "٠", "to": "1"}, headers=bearer(STAFF)
        )
        assert "from" in envelope(response, 400)["details"]


class TestPaths:
    @pytest.mark.parametrize("sheet", ["٣", "３", "9" * 5000])
    def test_a_path_integer_in_other_digits_names_nothing(self, gateway, sheet):
        path = f"{S}/paper-ballots/{sheet}/resolution"
        body = {"choices": None, "note": "难以辨认"}
        envelope(gateway.request("post", path, json=body, headers=bearer(STAFF)), 404)

    @pytest.mark.parametrize("tail", ["%0A", "%00", "%07", "%1B"])
    def test_a_tracking_code_with_a_control_character_is_404(self, gateway, tail):
        response = gateway.request("get", f"/api/v1/proposals/track/T4KQ-7MZP-X2WD{tail}")
        assert envelope(response, 404)["code"] == "not_found"

    @pytest.mark.parametrize("tail", ["%0A", "%00", "%09"])
    def test_an_id_with_a_control_character_is_404(self, gateway, tail):
        response = gateway.request(
            "get", f"/api/v1/proposals/{'0' * 8}-0000-0000-0000-{'0' * 12}{tail}",
            headers=bearer(STAFF),
        )  # fmt: skip
        assert envelope(response, 404)["code"] == "not_found"

    def test_a_receipt_code_with_nul_is_404(self, gateway):
        envelope(gateway.request("get", f"{S}/receipts/R1%00"), 404)


class TestWholeValues:
    @pytest.mark.parametrize("name", ["session_id", "token"])
    def test_a_ballot_with_a_trailing_newline_is_400_naming_the_field(self, gateway, name):
        body = {**CAST, name: CAST[name] + "\n"}
        response = gateway.request("post", "/api/v1/ballots", json=body)
        assert name in envelope(response, 400)["details"]

    def test_an_area_code_with_a_trailing_newline_is_400(self, gateway):
        response = gateway.request("get", "/api/v1/notices", params={"area_code": "150622\n"})
        assert "area_code" in envelope(response, 400)["details"]


class TestRouting:
    @pytest.mark.parametrize(
        "path", ["/api/v1//areas", "/api/v1/draft-lists/0%2F/rounds", "/api/v1/areas/150622/%2F"]
    )
    def test_a_doubled_slash_is_404_not_a_redirect_answered_as_500(self, gateway, path):
        # werkzeug merges "//" by raising a 308 redirect, which the envelope map did not know.
        assert envelope(gateway.request("post", path, json={}), 404)["code"] == "not_found"
