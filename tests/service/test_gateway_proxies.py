"""TRUSTED_PROXIES over real HTTP: behind a trusted proxy, rotating the left-most
X-Forwarded-For does not make a client many clients (with TRUST_PROXY=1 the gateway took the
left-most value, and 200 such requests all passed a 30/60 limit); from an untrusted peer the
header is ignored. The limited route is the public tracking page."""

import pytest

from tests.support.gateway import concrete, envelope, running_gateway

TRACK = concrete("/api/v1/proposals/track/{tracking_code}")
CLIENT = "198.51.100.7"  # what our proxy saw and appended


def rotating(count):
    return [{"X-Forwarded-For": f"10.{i // 250}.{i % 250}.1, {CLIENT}"} for i in range(count)]


def statuses(gateway, headers):
    return [gateway.request("get", TRACK, headers=h).status_code for h in headers]


@pytest.fixture
def proxied(monkeypatch, tmp_path):
    """The test's own address, 127.0.0.1, is the trusted proxy."""
    with running_gateway(
        monkeypatch, tmp_path, TRUSTED_PROXIES="127.0.0.0/8", RATE_LIMIT_PUBLIC="30/60"
    ) as gateway:
        yield gateway


def test_200_requests_with_rotating_left_most_values_are_limited_as_one_client(proxied):
    answered = statuses(proxied, rotating(200))
    assert answered.count(200) == 30 and answered.count(429) == 170
    assert answered[:30] == [200] * 30
    refused = proxied.request("get", TRACK, headers=rotating(1)[0])
    assert int(envelope(refused, 429)["details"]["retry_after"]) > 0


def test_two_clients_behind_the_proxy_are_limited_apart(proxied):
    first = statuses(proxied, [{"X-Forwarded-For": "203.0.113.1"}] * 31)
    second = statuses(proxied, [{"X-Forwarded-For": "203.0.113.2"}] * 30)
    assert first == [200] * 30 + [429] and second == [200] * 30


def test_a_header_from_an_untrusted_peer_is_ignored(monkeypatch, tmp_path):
    with running_gateway(
        monkeypatch, tmp_path, TRUSTED_PROXIES="10.0.0.0/8", RATE_LIMIT_PUBLIC="30/60"
    ) as gateway:
        spoofed = [{"X-Forwarded-For": f"203.0.113.{i}"} for i in range(40)]
        answered = statuses(gateway, spoofed)
    assert answered == [200] * 30 + [429] * 10
