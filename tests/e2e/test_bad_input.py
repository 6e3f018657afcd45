"""Bad input gets a clear 4xx with the error envelope, never a 500, and nothing half-written."""

import json

import pytest
import requests

from tests.support.api import assert_envelope

GOOD = {
    "title": "林荫街道广场改造",
    "description": "广场地砖破损，夜间照明不足。",
    "category": "基础设施",
    "area_code": "150602001",
    "location": {"text": "林荫街道文化广场"},
    "estimated_cost_fen": 5_000_000,
}


def with_fields(**changes):
    body = {**GOOD, **changes}
    return {key: value for key, value in body.items() if value is not ...}


BAD_BODIES = [
    ("wrong type of title", with_fields(title=123), 400, "title"),
    ("missing title", with_fields(title=...), 400, "title"),
    ("missing location", with_fields(location=...), 400, "location"),
    ("unknown category", with_fields(category="娱乐"), 400, "category"),
    ("unknown field", with_fields(colour="red"), 400, "colour"),
    ("malformed area code", with_fields(area_code="15060"), 400, "area_code"),
    ("unknown area", with_fields(area_code="999999"), 400, "area_code"),
    ("negative cost", with_fields(estimated_cost_fen=-1), 400, "estimated_cost_fen"),
    ("absurd cost", with_fields(estimated_cost_fen=10**15), 400, "estimated_cost_fen"),
    ("cost as text", with_fields(estimated_cost_fen="5000"), 400, "estimated_cost_fen"),
    ("cost as float", with_fields(estimated_cost_fen=1.5), 400, "estimated_cost_fen"),
    ("absurd beneficiaries", with_fields(beneficiaries=10**9), 400, "beneficiaries"),
    ("latitude out of range", with_fields(location={"text": "x", "lat": 123.0}), 400, "location"),
    ("deputy channel without deputy", with_fields(channel="deputy"), 400, "deputy_name"),
    ("control character in title", with_fields(title="广场\x07改造"), 400, "title"),
    (
        "NUL in description (PostgreSQL)",
        with_fields(description="地砖\x00破损"),
        400,
        "description",
    ),
    ("lone surrogate in location", with_fields(location={"text": "广场\ud800"}), 400, "location"),
    ("area code with trailing newline", with_fields(area_code="150602001\n"), 400, "area_code"),
    ("area code in other digits", with_fields(area_code="١٥٠٦٠٢٠٠١"), 400, "area_code"),
    ("closed collection", with_fields(area_code="150625200"), 422, None),
    ("collection not open yet", with_fields(area_code="150624200"), 422, None),
]


def count_in_area(make_run, area_code: str) -> int:
    headers = make_run.login("admin", "demo-admin-2026")
    response = requests.get(
        f"{make_run.base_url}/api/v1/proposals",
        params={"area_code": area_code},
        headers=headers,
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


class TestBadProposals:
    @pytest.mark.parametrize(
        ("case", "body", "status", "field"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES]
    )
    def test_is_refused_with_the_envelope_and_writes_nothing(
        self, make_run, case, body, status, field
    ):
        area = (
            body.get("area_code")
            if body.get("area_code") in ("150625200", "150624200")
            else "150602001"
        )
        before = count_in_area(make_run, area)
        response = requests.post(f"{make_run.base_url}/api/v1/proposals", json=body, timeout=10)
        error = assert_envelope(response, status)
        if field:
            assert field in error["details"], error
        else:
            assert "征集" in error["message"]
        assert count_in_area(make_run, area) == before

    def test_malformed_json_is_400(self, make_run):
        response = requests.post(
            f"{make_run.base_url}/api/v1/proposals",
            data=b'{"title": ',
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
        assert assert_envelope(response, 400)["code"] == "bad_json"

    @pytest.mark.parametrize(
        "raw",
        [b'{"title": ' + b"9" * 5000 + b"}", b"[" * 100_000],
        ids=["5000-digit integer", "100000 brackets"],
    )
    @pytest.mark.parametrize("path", ["/api/v1/auth/token", "/api/v1/proposals", "/api/v1/ballots"])
    def test_numbers_and_nesting_no_parser_follows_are_400(self, make_run, path, raw):
        response = requests.post(
            f"{make_run.base_url}{path}",
            data=raw,
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
        assert assert_envelope(response, 400)["code"] == "bad_json"

    def test_a_ballot_token_with_a_trailing_newline_is_400_not_500(self, make_run):
        cast = {"session_id": "T-" + "a" * 32, "token": "T" + "A" * 32 + "\n", "choices": {}}
        response = requests.post(f"{make_run.base_url}/api/v1/ballots", json=cast, timeout=10)
        assert "token" in assert_envelope(response, 400)["details"]

    def test_a_json_array_is_400(self, make_run):
        response = requests.post(f"{make_run.base_url}/api/v1/proposals", json=[GOOD], timeout=10)
        assert_envelope(response, 400)

    def test_wrong_content_type_is_415(self, make_run):
        response = requests.post(
            f"{make_run.base_url}/api/v1/proposals",
            data=json.dumps(GOOD),
            headers={"Content-Type": "text/plain"},
            timeout=10,
        )
        assert assert_envelope(response, 415)["code"] == "unsupported_media_type"

    def test_oversize_body_is_413(self, make_run):
        body = with_fields(description="长" * 200_000)
        response = requests.post(f"{make_run.base_url}/api/v1/proposals", json=body, timeout=10)
        assert assert_envelope(response, 413)["code"] == "payload_too_large"

    def test_unknown_route_is_404_envelope(self, make_run):
        assert_envelope(requests.get(f"{make_run.base_url}/api/v1/nothing-here", timeout=10), 404)

    def test_bad_token_is_401(self, make_run):
        response = requests.get(
            f"{make_run.base_url}/api/v1/proposals",
            params={"area_code": "150602"},
            headers={"Authorization": "Bearer not.a.token"},
            timeout=10,
        )
        assert assert_envelope(response, 401)["code"] == "unauthenticated"

    @pytest.mark.parametrize("page", ["abc", "²", "٣", "9" * 5000])
    def test_bad_page_number_is_400(self, make_run, page):
        headers = make_run.login("admin", "demo-admin-2026")
        response = requests.get(
            f"{make_run.base_url}/api/v1/proposals",
            params={"area_code": "150602", "page": page},
            headers=headers,
            timeout=10,
        )
        assert "page" in assert_envelope(response, 400)["details"]


class TestHostileText:
    def test_markup_and_sql_are_stored_verbatim_and_returned_escaped(self, make_run):
        title = "<script>alert('x')</script> & '; DROP TABLE proposals; --"
        created = requests.post(
            f"{make_run.base_url}/api/v1/proposals", json=with_fields(title=title[:100]), timeout=10
        )
        assert created.status_code == 201, created.text
        tracked = requests.get(
            f"{make_run.base_url}/api/v1/proposals/track/{created.json()['tracking_code']}",
            timeout=10,
        )
        assert tracked.json()["title"] == title[:100]  # the same text after JSON decoding
        assert "<script>" not in tracked.text and "\\u003cscript\\u003e" in tracked.text
        assert tracked.headers["X-Content-Type-Options"] == "nosniff"
        assert count_in_area(make_run, "150602001") >= 1  # the table is still there
