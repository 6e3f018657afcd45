"""The gateway as a process under idle connections (half a request line each, then nothing):
2,000 of them cost it nothing it needs — /api/v1/health answers at once — and each is dropped
after the read timeout; with a cap below their number, the rest wait in the listen backlog
and the gateway never runs out of file descriptors. Before, every such connection held a
descriptor for ever, until accept() raised EMFILE and the gateway died."""

import os
import resource
import socket
import time

import pytest
import requests
from servicekit import testing

HALF_OPEN = 2000
PARTIAL = b"GET /api/v1/health HTTP/1.1\r\nHo"  # and then nothing


@pytest.fixture(autouse=True)
def enough_descriptors():
    """This test's own process holds every connection: raise its limit (the gateway raises
    its own at start)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, 3 * HALF_OPEN) if hard != resource.RLIM_INFINITY else 3 * HALF_OPEN
    if wanted < HALF_OPEN + 500:
        pytest.skip(f"RLIMIT_NOFILE hard limit {hard} is below {HALF_OPEN + 500}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def start_gateway(platform_factory, **env):
    platform = platform_factory(env)
    gateway = platform.start_gateway()
    testing.wait_until(lambda: health(platform, 2) is not None, 60, 0.2, "the gateway")
    return platform, gateway


def health(platform, timeout):
    try:
        return requests.get(f"{platform.base_url}/api/v1/health", timeout=timeout).status_code
    except requests.RequestException:
        return None


def half_open(platform, count):
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", platform.port), timeout=60)
        sock.sendall(PARTIAL)
        sockets.append(sock)
    return sockets


def dropped_within(sockets, seconds):
    """Seconds until the server had closed every socket (each recv sees the end)."""
    started = time.monotonic()
    for sock in sockets:
        sock.settimeout(max(0.1, seconds - (time.monotonic() - started)))
        try:
            assert sock.recv(1024) == b"", "the server answered half a request"
        except ConnectionResetError:
            pass
        except TimeoutError:
            pytest.fail(f"a half-open connection was still open after {seconds} s")
    return time.monotonic() - started


def descriptors(process):
    return len(os.listdir(f"/proc/{process.pid}/fd"))


def test_2000_half_open_connections_leave_health_answering_and_are_dropped_after_10_s(
    platform_factory,
):
    platform, gateway = start_gateway(platform_factory)
    before = descriptors(gateway)
    opened = time.monotonic()
    sockets = half_open(platform, HALF_OPEN)
    held = time.monotonic()
    asked = time.monotonic()
    assert health(platform, 5) == 200
    answered = time.monotonic() - asked
    during = descriptors(gateway)
    try:
        waited = dropped_within(sockets, 30)
    finally:
        for sock in sockets:
            sock.close()
    last_drop = held - opened + waited
    print(
        f"\n{HALF_OPEN} half-open connections opened in {held - opened:.2f} s; health answered "
        f"in {answered * 1000:.0f} ms while they were held (gateway descriptors {before} → "
        f"{during}); every one dropped by the server within {last_drop:.1f} s of the first "
        f"being opened (read timeout 10 s)"
    )
    assert answered < 2.0
    assert during >= HALF_OPEN  # they really were held, not refused
    assert 9.0 < last_drop < 15.0
    assert gateway.poll() is None
    assert all(health(platform, 5) == 200 for _ in range(20))  # serves as before


def test_beyond_the_cap_connections_wait_in_the_backlog_and_descriptors_stay_bounded(
    platform_factory,
):
    platform, gateway = start_gateway(
        platform_factory, GATEWAY_MAX_CONNECTIONS="100", GATEWAY_READ_TIMEOUT="3"
    )
    before = descriptors(gateway)
    sockets = half_open(platform, 300)  # the kernel completes handshakes for the backlog
    try:
        time.sleep(0.5)
        during = descriptors(gateway)
        asked = time.monotonic()
        status = health(platform, 20)  # waits its turn behind the first 100
        answered = time.monotonic() - asked
    finally:
        for sock in sockets:
            sock.close()
    print(
        f"\ncap 100, 300 half-open: gateway descriptors {before} → {during}; health answered "
        f"after {answered:.1f} s (read timeout 3 s)"
    )
    assert status == 200 and answered < 3 * 3 + 2
    assert during <= before + 100 + 2
    assert gateway.poll() is None
    assert health(platform, 5) == 200
