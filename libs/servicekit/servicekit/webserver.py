"""nameko's web server, made to survive hostile clients (ARCHITECTURE §11).

nameko's WebServer accepts every connection it can and waits for a request for ever: a client
that opened connections and sent half a request line held a file descriptor each until
`accept()` raised EMFILE, which nameko treats as a crash (the container, the whole gateway,
died). Here:

- the request line and headers must arrive within WEB_READ_TIMEOUT seconds in all (10 s), and
  so must each later read or write (eventlet's `socket_timeout`); a keep-alive connection idle
  that long is closed. The body is read within the same time by the entrypoint, before it
  takes a worker (servicekit.http.read_body);
- at most WEB_MAX_CONNECTIONS connections are open at once (4,096, and never more than the
  process's file-descriptor limit, raised to its hard limit at start, leaves room for: the
  broker, the databases and the logs keep RESERVED_FDS). Beyond that the server stops
  accepting: new connections wait in the kernel's listen backlog until one closes;
- an accept that fails for want of descriptors or memory is retried after a pause, with a
  warning at most every WARN_EVERY seconds, and a connection whose handling fails is closed
  and logged: neither ends the process.

Lifecycle: start() opens the listening socket (LISTEN_BACKLOG) and the accept loop; stop()
as nameko's.
"""

import errno
import json
import logging
import resource
import time
from functools import partial
from typing import Any

import eventlet
from contracts import errors
from eventlet import wsgi
from eventlet.semaphore import Semaphore
from nameko.web.server import HttpOnlyProtocol, WebServer

# A hall of deputies connects at once (500 casts within a second). eventlet's default listen
# backlog of 50 makes the kernel reset the connections beyond it; the kernel caps this value at
# net.core.somaxconn.
LISTEN_BACKLOG = 1024
DEFAULT_READ_TIMEOUT = 10.0
DEFAULT_MAX_CONNECTIONS = 4096
RESERVED_FDS = 128  # for everything but client connections: broker, databases, logs, metrics
NO_DESCRIPTORS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
# The client went away between the kernel's handshake and our accept: nothing to serve.
GONE_BEFORE_ACCEPT = {errno.ECONNABORTED, errno.EPROTO, errno.ECONNRESET}
ACCEPT_PAUSE = 0.1  # seconds before accepting again when out of descriptors
WARN_EVERY = 10.0
CONNECTION_KEY = "servicekit.connection"  # the environ key of the client's socket

log = logging.getLogger(__name__)


def _uri_too_long() -> bytes:
    limit = wsgi.MAX_REQUEST_LINE
    body = json.dumps(
        errors.envelope(
            errors.URI_TOO_LONG,
            f"请求地址过长，请求行不能超过 {limit} 字节 (request line over {limit} bytes)",
            {"limit_bytes": limit},
        ),
        ensure_ascii=False,
    ).encode()
    head = (
        "HTTP/1.1 414 URI Too Long\r\nContent-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


URI_TOO_LONG_RESPONSE = _uri_too_long()


class GuardedProtocol(HttpOnlyProtocol):  # type: ignore[misc]  # subclasses untyped nameko
    """eventlet's protocol, with one deadline for the request line and headers together: with
    only a per-read timeout, a client sending one header byte every 9 s held its connection
    for ever. The deadline raises `socket.timeout` (TimeoutError), which eventlet answers by
    closing the connection."""

    _head_deadline: eventlet.Timeout | None = None

    def _read_request_line(self) -> Any:
        self._cancel_head_deadline()
        seconds = self.server.socket_timeout
        if seconds:
            timeout = TimeoutError("请求头未在限定时间内收完 (request head too slow)")
            self._head_deadline = eventlet.Timeout(seconds, timeout)
        line = super()._read_request_line()
        if line and len(line) >= self.server.url_length_limit:
            # eventlet answers this with a bare, empty 414: clients get the envelope instead,
            # and the empty line returned makes eventlet close the connection.
            self.wfile.write(URI_TOO_LONG_RESPONSE)
            self.close_connection = 1
            return b""
        return line

    def parse_request(self) -> Any:
        try:
            return super().parse_request()
        finally:
            self._cancel_head_deadline()

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        finally:
            self._cancel_head_deadline()  # the request line was empty, too long or bad

    def _cancel_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def get_environ(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environ()
        environ[CONNECTION_KEY] = self.connection  # so a body read too slowly can be cut off
        return environ


def descriptor_room() -> int:
    """Raise this process's soft limit on open files to its hard limit; what client
    connections may use of it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass  # keep the soft limit we have
    return max(1, (soft if soft != resource.RLIM_INFINITY else wanted) - RESERVED_FDS)


class BackloggedWebServer(WebServer):  # type: ignore[misc]  # subclasses untyped nameko
    """nameko's web server, listening with LISTEN_BACKLOG instead of eventlet's 50 (and nothing
    else: bench.echo_burst's bare baseline uses it)."""

    _starting: bool  # set by WebServer.__init__

    def start(self) -> None:
        # nameko's WebServer.start, but for the backlog.
        if not self._starting:
            self._starting = True
            self._sock = eventlet.listen(self.bind_addr, backlog=LISTEN_BACKLOG)
            self._sock.settimeout(None)  # as nameko: https://github.com/celery/kombu/issues/838
            self._serv = self.get_wsgi_server(self._sock, self.get_wsgi_app())
            self._gt = self.container.spawn_managed_thread(self.run)


class WideWebServer(BackloggedWebServer):
    """The backlogged server with a read timeout, a cap on open connections and an accept loop
    that survives EMFILE (see the module's docstring)."""

    _warned_at = 0.0
    _failed_accepts = 0

    def setting(self, key: str, default: float) -> float:
        return float(self.container.config.get(key) or default)

    def start(self) -> None:
        if not self._starting:
            configured = int(self.setting("WEB_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS))
            self.max_connections = min(configured, descriptor_room())
            self._slots = Semaphore(self.max_connections)  # before the accept loop starts
            super().start()
            log.info(
                "web server: at most %d connections, read timeout %s s",
                self.max_connections,
                self._serv.socket_timeout,
            )

    def get_wsgi_server(
        self, sock: Any, wsgi_app: Any, protocol: Any = GuardedProtocol, debug: bool = False
    ) -> wsgi.Server:
        return wsgi.Server(
            sock,
            sock.getsockname(),
            wsgi_app,
            protocol=protocol,
            debug=debug,
            log=logging.getLogger("nameko.web.server"),
            socket_timeout=self.setting("WEB_READ_TIMEOUT", DEFAULT_READ_TIMEOUT),
        )

    def run(self) -> None:
        while self._is_accepting:
            self._slots.acquire()  # at the cap, new connections wait in the listen backlog
            try:
                sock, address = self._sock.accept()
            except OSError as exc:
                self._slots.release()
                self._accept_failed(exc)
                continue
            sock.settimeout(self._serv.socket_timeout)
            self.container.spawn_managed_thread(partial(self._serve, sock, address))

    def _accept_failed(self, exc: OSError) -> None:
        if exc.errno in GONE_BEFORE_ACCEPT:
            return
        if exc.errno not in NO_DESCRIPTORS:
            raise exc
        self._failed_accepts += 1
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY:
            log.warning(
                "无法接受新连接：%s；%.1f 秒后重试 (accept failed %d times: %s; retrying)",
                errno.errorcode.get(exc.errno or 0, exc.errno),
                ACCEPT_PAUSE,
                self._failed_accepts,
                exc,
            )
            self._warned_at, self._failed_accepts = now, 0
        eventlet.sleep(ACCEPT_PAUSE)

    def _serve(self, sock: Any, address: Any) -> None:
        try:
            self.process_request(sock, address)
        except OSError as exc:  # the client's network, not our fault: nothing to do but close
            log.debug("connection from %s ended: %s", address, exc)
        except Exception:  # one connection's trouble never ends the process
            log.exception("connection from %s failed", address)
        finally:
            sock.close()
            self._slots.release()
