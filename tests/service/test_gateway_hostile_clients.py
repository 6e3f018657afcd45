"""The gateway's web server against hostile clients, over real sockets (servicekit.webserver):
a half-sent request is dropped after the read timeout, headers dripped slowly are dropped at
one deadline for the whole head, a request line past the limit is a 414 with the envelope, a
body that stops coming is a 408 without holding a worker,
and an accept that fails for want of descriptors is retried, not the end of the gateway."""

import errno
import logging
import socket
import time
from urllib.parse import urlsplit

import pytest
import requests
from servicekit.http import JsonHttpEntrypoint

from tests.support.gateway import running_gateway

READ_TIMEOUT = 1.5


@pytest.fixture
def gateway(monkeypatch, tmp_path):
    nameko = {"WEB_READ_TIMEOUT": READ_TIMEOUT, "max_workers": 2}
    with running_gateway(monkeypatch, tmp_path, nameko=nameko) as gateway:
        yield gateway


def connect(gateway):
    parts = urlsplit(gateway.url)
    return socket.create_connection((parts.hostname, parts.port), timeout=30)


def until_closed(sock):
    """What the server sent before closing, and when it closed (monotonic)."""
    received = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            return received, time.monotonic()
        received += chunk


def test_a_half_sent_request_line_is_dropped_after_the_read_timeout(gateway):
    sock = connect(gateway)
    sock.sendall(b"GET /api/v1/hea")
    sent = time.monotonic()
    received, closed = until_closed(sock)
    assert received == b""
    assert READ_TIMEOUT - 0.1 < closed - sent < READ_TIMEOUT + 1.0


def test_headers_dripped_slowly_are_dropped_at_one_deadline_for_the_head(gateway):
    sock = connect(gateway)
    started = time.monotonic()
    sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
    try:
        for byte in b"X-Slow: " + b"a" * 40:  # a byte every 0.3 s: each read well in time
            sock.sendall(bytes([byte]))
            time.sleep(0.3)
            assert time.monotonic() - started < READ_TIMEOUT + 1.0, "never dropped"
    except (BrokenPipeError, ConnectionResetError):
        pass
    received, closed = until_closed(sock)
    assert b"200" not in received
    assert closed - started < READ_TIMEOUT + 1.0


def test_a_request_line_past_the_limit_is_a_414_with_the_envelope(gateway):
    long_query = "x" * 9000  # eventlet's limit is 8 KiB; it answered an empty 414
    answer = requests.get(f"{gateway.url}/api/v1/warnings?area_code=150622&kind={long_query}")
    assert answer.status_code == 414
    assert answer.headers["Content-Type"].startswith("application/json")
    error = answer.json()["error"]
    assert error["code"] == "uri_too_long" and error["message"].startswith("请求地址过长")
    assert requests.get(f"{gateway.url}/api/v1/health").status_code in (200, 503)  # serving


def test_a_body_that_stops_coming_is_a_408_and_holds_no_worker(gateway):
    slow = []
    for _ in range(4):  # twice the workers this gateway has
        sock = connect(gateway)
        sock.sendall(
            b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n" + b'{"username": '
        )
        slow.append(sock)
    sent = time.monotonic()
    areas = gateway.request("get", "/api/v1/areas")
    assert areas.status_code == 200 and time.monotonic() - sent < 0.5
    for sock in slow:
        received, closed = until_closed(sock)
        head, _, body = received.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 408"), received
        assert b'"code": "request_timeout"' in body
        assert closed - sent < READ_TIMEOUT + 1.0


def test_a_body_sent_in_time_in_pieces_is_read_whole(gateway):
    sock = connect(gateway)
    body = b'{"username": "nobody", "password": "secret-password"}'
    sock.sendall(
        b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
    )
    for piece in (body[:10], body[10:30], body[30:]):
        time.sleep(0.2)
        sock.sendall(piece)
    received, _ = until_closed(sock)
    assert received.startswith(b"HTTP/1.1 ") and b" 408 " not in received.split(b"\r\n")[0]


class ExhaustedListener:
    """The listening socket as a process out of descriptors sees it: `failures` accepts fail
    with EMFILE, then it accepts again."""

    def __init__(self, real, failures):
        self.real, self.failures = real, failures

    def accept(self):
        if self.failures:
            self.failures -= 1
            raise OSError(errno.EMFILE, "Too many open files")
        return self.real.accept()

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_an_accept_out_of_descriptors_is_retried_and_the_gateway_keeps_serving(gateway, caplog):
    server = next(
        e.server for e in gateway.container.entrypoints if isinstance(e, JsonHttpEntrypoint)
    )
    server._sock = ExhaustedListener(server._sock, failures=5)
    with caplog.at_level(logging.WARNING, logger="servicekit.webserver"):
        # the accept already waiting takes this one; the next five accepts fail
        assert requests.get(f"{gateway.url}/api/v1/areas", timeout=10).status_code == 200
        started = time.monotonic()
        assert requests.get(f"{gateway.url}/api/v1/areas", timeout=10).status_code == 200
    assert 0.4 < time.monotonic() - started < 3
    assert server._sock.failures == 0
    assert any("EMFILE" in record.getMessage() for record in caplog.records)
