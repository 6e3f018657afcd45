"""A nameko `@http` entrypoint that speaks the JSON error envelope (ARCHITECTURE §7).

nameko answers errors in plain text and turns Werkzeug's 400/413/415 into 500; this entrypoint
maps every exception through one table instead, mints or accepts `X-Request-ID`, enforces the
body size limit before the body is read, reads the body within the read timeout before it takes
a worker (408 otherwise), and puts the request id into context data so it travels through RPC
and events. The server under it: servicekit.webserver.
"""

import io
import json
import logging
import re
import socket
import uuid
from contextlib import suppress
from functools import partial
from typing import Any

import eventlet
from contracts import errors as codes
from contracts.errors import envelope
from eventlet.event import Event
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WsgiApp
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    RequestEntityTooLarge,
    RequestTimeout,
    UnsupportedMediaType,
)
from werkzeug.exceptions import NotFound as NotFoundPath
from werkzeug.routing import IntegerConverter, Map, RequestRedirect
from werkzeug.wrappers import Request, Response

from .db import unavailable
from .errors import ServiceError, expected_with
from .webserver import CONNECTION_KEY, DEFAULT_READ_TIMEOUT, WideWebServer

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")  # the whole header: fullmatch
DEFAULT_MAX_BODY_BYTES = 256 * 1024
READ = DEFAULT_READ_TIMEOUT
log = logging.getLogger(__name__)

_WERKZEUG_CODES = {
    400: (codes.BAD_JSON, "请求格式错误 (bad request)"),
    404: (codes.NOT_FOUND, "没有这个地址 (no such route)"),
    405: (codes.METHOD_NOT_ALLOWED, "不支持该请求方法 (method not allowed)"),
    413: (codes.PAYLOAD_TOO_LARGE, "请求体过大 (request body too large)"),
    415: (codes.UNSUPPORTED_MEDIA_TYPE, "请使用 application/json (unsupported media type)"),
    408: (codes.REQUEST_TIMEOUT, "请求体未在限定时间内收完 (request body too slow)"),
}
# What Werkzeug raises inside a worker while the request is read: a body past the size limit
# (413), not JSON (415), unreadable (400). Answers to the caller like a ServiceError, so nameko
# is told to expect them and servicekit.logging keeps each to one INFO line, no traceback.
REQUEST_REFUSALS = (BadRequest, RequestEntityTooLarge, UnsupportedMediaType)


# Text is stored verbatim; on the way out <, > and & become \u escapes (still the same JSON
# string) so a response can never be sniffed or pasted into a page as markup.
_HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def _json_text(body: Any) -> str:
    text = json.dumps(body, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate echoed from a request: escape it, as JSON may
        text = json.dumps(body, ensure_ascii=True)
    return text.translate(_HTML_SAFE)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    response = Response(
        _json_text(body),
        status=status,
        headers=headers,
        mimetype="application/json",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def error_response(exc: BaseException) -> Response:
    exc = unavailable(exc) or exc  # the gateway's own database (accounts) may be down too
    if isinstance(exc, ServiceError):
        headers = (
            {"Retry-After": str(exc.details["retry_after"])}
            if "retry_after" in exc.details
            else None
        )
        return json_response(exc.status, envelope(exc.code, exc.message, exc.details), headers)
    if isinstance(exc, HTTPException) and exc.code in _WERKZEUG_CODES:
        code, message = _WERKZEUG_CODES[exc.code]
        return json_response(exc.code, envelope(code, message))
    log.error("unhandled error", exc_info=(type(exc), exc, exc.__traceback__))
    return json_response(500, envelope(codes.INTERNAL, "服务器内部错误 (internal error)"))


def read_body(request: Request, seconds: float) -> None:
    """Read a body of a declared length within `seconds` in all, here in the connection's own
    green thread, and hand it to the request from memory. Read by the worker, as before, a
    client that sent its headers and then a byte every few seconds (or nothing) held one of
    the gateway's few workers for as long as it liked. A body over the size limit is left
    unread: the worker answers 413 without reading it. On timeout nothing more is read from
    the client, and RequestTimeout (408) is raised."""
    length = request.content_length
    limit = request.max_content_length
    if not length or (limit is not None and length > limit):
        return
    environ = request.environ
    deadline = eventlet.Timeout(seconds)
    try:
        data = environ["wsgi.input"].read(length)
    except (eventlet.Timeout, TimeoutError) as exc:
        if isinstance(exc, eventlet.Timeout) and exc is not deadline:
            raise  # someone else's deadline
        _stop_reading(environ)
        raise RequestTimeout() from exc
    finally:
        deadline.cancel()
    environ["wsgi.input"] = io.BytesIO(data)  # short if the client hung up: werkzeug's 400


def _stop_reading(environ: dict[str, Any]) -> None:
    """Read no more of this client: eventlet would otherwise drain the rest of the body, as
    slowly as the client cares to send it, before answering the next request."""
    connection = environ.get(CONNECTION_KEY)
    if connection is not None:
        with suppress(OSError):  # already gone
            connection.shutdown(socket.SHUT_RD)


def request_id_of(request: Request) -> str:
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    return offered if _SAFE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex


class _JsonWsgiApp(WsgiApp):  # type: ignore[misc]  # subclasses untyped nameko
    """nameko's WSGI app, except that routing errors (404, 405) leave as the JSON envelope."""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
        except RequestRedirect:  # no redirects in a JSON API: a path not as declared names nothing
            return self._refuse(NotFoundPath(), environ, start_response, request)
        except HTTPException as exc:
            return self._refuse(exc, environ, start_response, request)
        # nameko's handler reads the path values from the request (an attribute of its own).
        request.path_values = values  # type: ignore[attr-defined]
        return provider.handle_request(request)(environ, start_response)

    def _refuse(
        self, exc: HTTPException, environ: dict[str, Any], start_response: Any, request: Request
    ) -> Any:
        response = error_response(exc)
        response.headers[REQUEST_ID_HEADER] = request_id_of(request)
        return response(environ, start_response)


class AsciiIntegerConverter(IntegerConverter):
    """`<int:…>` in ASCII digits only: werkzeug's `\\d+` also takes "٣" and "３", which int()
    reads as 3, so one sheet would answer to several paths."""

    regex = r"[0-9]+"


class JsonWebServer(WideWebServer):
    def get_wsgi_app(self) -> _JsonWsgiApp:
        return _JsonWsgiApp(self)

    def make_url_map(self) -> Map:
        # nameko's make_url_map, with the ASCII `int` converter (rules compile as they are added).
        # merge_slashes off: werkzeug would answer "//" with a redirect; here it matches nothing.
        url_map = Map(converters={"int": AsciiIntegerConverter}, merge_slashes=False)
        for provider in self._providers:
            rule = provider.get_url_rule()
            rule.endpoint = provider
            url_map.add(rule)
        return url_map


class JsonHttpEntrypoint(HttpRequestHandler):  # type: ignore[misc]  # subclasses untyped nameko
    server = JsonWebServer()
    max_body_bytes = DEFAULT_MAX_BODY_BYTES

    def __init__(self, method: str, url: str, expected_exceptions: Any = (), **kwargs: Any):
        expected = (*expected_with(expected_exceptions), *REQUEST_REFUSALS)
        super().__init__(method, url, expected_exceptions=expected, **kwargs)

    def handle_request(self, request: Request) -> Response:
        request.shallow = False
        request.max_content_length = int(
            self.container.config.get("MAX_BODY_BYTES", self.max_body_bytes)
        )
        request_id = request_id_of(request)
        try:
            read_body(request, float(self.container.config.get("WEB_READ_TIMEOUT") or READ))
            args, kwargs = self.get_entrypoint_parameters(request)
            self.check_signature(args, kwargs)
            done = Event()
            self.container.spawn_worker(
                self,
                args,
                kwargs,
                context_data={"request_id": request_id},
                handle_result=partial(self.handle_result, done),
            )
            response: Response = self.response_from_result(done.wait())
        except Exception as exc:
            response = error_response(exc)
        response.headers[REQUEST_ID_HEADER] = request_id
        return response


http = JsonHttpEntrypoint.decorator
