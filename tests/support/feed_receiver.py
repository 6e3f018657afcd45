"""The other side of the budget feed for the tests: a small threaded HTTP server on 127.0.0.1
(a free port, kept across a stop and a start) that checks what the budget online supervision
system would check, independently of the pusher's code.

Its accept loop is its own rather than socketserver's: socketserver picks its selector when it
is imported, so in a process that eventlet patched later (a pytest run that collects a module
importing servicekit.runner) serve_forever would poll with the unpatched one and never let the
test run again. `socket` and `threading` are looked up at call time here, so the server is
green exactly when the rest of the process is.

It refuses a wrong path (404), a non-JSON body (415), a missing or bad signature (401), a
timestamp outside its window (401), a record id that differs from the body's (400); stores
each record once by record id, answering a duplicate 409 ("already have it") without storing
it again; counts every request, refused ones included. A test can make the next N requests
fail with 503, make the next N stored records lose their answer (the connection closes after
the record is stored: the pusher must retry and the duplicate must not double it), or stop
and start the server to play an outage.
"""

import hashlib
import hmac
import json
import socket
import ssl
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from typing import Any

from servicekit import testing

PATH = "/minsheng/budget-feed"
SECRET = "minsheng-feed-receiver-test-secret-0123456789"


class FeedReceiver:
    def __init__(
        self,
        secret: str = SECRET,
        window_seconds: int = 300,
        tls: testing.TlsFiles | None = None,
    ):
        """`tls`: serve https with that certificate (testing.make_tls_files), else plain http."""
        self.secret = secret.encode()
        self.tls: ssl.SSLContext | None = None
        if tls is not None:
            self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.tls.load_cert_chain(tls.cert, tls.key)
        self.window = window_seconds
        self.port = testing.free_port()
        self.lock = threading.Lock()
        self.records: dict[str, dict[str, Any]] = {}  # record id → body, stored once
        self.raw: dict[str, bytes] = {}
        self.posts: Counter[str] = Counter()  # record id (header) → requests naming it
        self.answers: Counter[int] = Counter()  # status → how many (0: answer dropped)
        self.requests = 0
        self.connections = 0  # accepted, TLS handshakes that failed included
        self.failing, self.failing_status = 0, 503
        self.losing = 0
        self.listener: socket.socket | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}{PATH}"

    def env(self) -> dict[str, str]:
        return {"BUDGET_FEED_URL": self.url, "BUDGET_FEED_SECRET": self.secret.decode()}

    # ---- control --------------------------------------------------------------------------
    def start(self) -> "FeedReceiver":
        assert self.listener is None, "already running"
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.05)
        self.listener = listener
        self.thread = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop listening: new connections are refused until start()."""
        listener, self.listener = self.listener, None
        if listener is not None:
            listener.close()
        if self.thread is not None:
            self.thread.join(5)
            self.thread = None

    def _accept(self, listener: socket.socket) -> None:
        handler = self._handler()
        while self.listener is listener:
            try:
                connection, address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed by stop()
            connection.settimeout(10)
            with self.lock:
                self.connections += 1
            threading.Thread(
                target=self._serve, args=(handler, connection, address), daemon=True
            ).start()

    def _serve(
        self, handler: type[BaseHTTPRequestHandler], connection: socket.socket, address
    ) -> None:
        try:
            if self.tls is not None:
                connection = self.tls.wrap_socket(connection, server_side=True)
            handler(connection, address, None)
        except OSError:
            pass  # the client went away, or refused our certificate
        finally:
            connection.close()

    def fail_next(self, count: int, status: int = 503) -> None:
        """The next `count` requests are answered `status` before anything is checked or stored."""
        with self.lock:
            self.failing, self.failing_status = count, status

    def lose_next(self, count: int) -> None:
        """The next `count` records are stored, and then the connection closes unanswered."""
        with self.lock:
            self.losing = count

    def duplicates(self) -> int:
        """Requests beyond the first that named a record id."""
        with self.lock:
            return sum(n - 1 for n in self.posts.values())

    # ---- the checks -----------------------------------------------------------------------
    def verify(self, headers: Any, body: bytes) -> tuple[int, str] | None:
        """None if the request is a well-signed, fresh record; else (status, why)."""
        if not (headers.get("Content-Type") or "").startswith("application/json"):
            return 415, "not json"
        stamp, given = headers.get("X-Minsheng-Timestamp"), headers.get("X-Minsheng-Signature")
        if not stamp or not stamp.isdigit() or not given:
            return 401, "unsigned"
        if abs(time.time() - int(stamp)) > self.window:
            return 401, "stale"
        mac = hmac.new(self.secret, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given, f"sha256={mac}"):
            return 401, "bad signature"
        return None

    def take(self, headers: Any, body: bytes) -> tuple[int, str, bool]:
        """(status, text, answer dropped) for one request, stored if it is a new record."""
        with self.lock:
            record_id = headers.get("X-Minsheng-Record-Id") or ""
            self.posts[record_id] += 1
            if self.failing:
                self.failing -= 1
                return self.failing_status, "failing on purpose", False
        refused = self.verify(headers, body)
        if refused:
            return (*refused, False)
        try:
            record = json.loads(body)
        except ValueError:
            return 400, "bad json", False
        if record.get("record_id") != record_id:
            return 400, "record id differs from the body's", False
        with self.lock:
            if record_id in self.records:
                return 409, "already have it", False
            self.records[record_id], self.raw[record_id] = record, body
            lose = self.losing > 0
            self.losing -= lose
        return 200, "stored", lose

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                with receiver.lock:
                    receiver.requests += 1
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if self.path != PATH:
                    self._answer(404, "no such path")
                    return
                status, text, lose = receiver.take(self.headers, body)
                if lose:
                    with receiver.lock:
                        receiver.answers[0] += 1
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)  # stored, never answered
                    return
                self._answer(status, text)

            def _answer(self, status: int, text: str) -> None:
                with receiver.lock:
                    receiver.answers[status] += 1
                data = json.dumps({"status": text}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet

        return Handler
