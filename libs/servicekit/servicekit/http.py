"""A nameko `@http` entrypoint that speaks the JSON error envelope (ARCHITECTURE §7).

nameko answers errors in plain text and turns Werkzeug's 400/413/415 into 500; this entrypoint
maps every exception through one table instead, mints or accepts `X-Request-ID`, enforces the
body size limit before the body is read, and puts the request id into context data so it
travels through RPC and events.
"""

import json
import logging
import re
import uuid
from functools import partial
from typing import Any

import eventlet
from contracts import errors as codes
from eventlet.event import Event
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    RequestEntityTooLarge,
    UnsupportedMediaType,
)
from werkzeug.exceptions import NotFound as NotFoundPath
from werkzeug.routing import IntegerConverter, Map, RequestRedirect
from werkzeug.wrappers import Request, Response

from .db import unavailable
from .errors import ServiceError, expected_with

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")  # the whole header: fullmatch
DEFAULT_MAX_BODY_BYTES = 256 * 1024
# A hall of deputies connects at once (500 casts within a second). eventlet's default listen
# backlog of 50 makes the kernel reset the connections beyond it; the kernel caps this value at
# net.core.somaxconn.
LISTEN_BACKLOG = 1024
log = logging.getLogger(__name__)

_WERKZEUG_CODES = {
    400: (codes.BAD_JSON, "请求格式错误 (bad request)"),
    404: (codes.NOT_FOUND, "没有这个地址 (no such route)"),
    405: (codes.METHOD_NOT_ALLOWED, "不支持该请求方法 (method not allowed)"),
    413: (codes.PAYLOAD_TOO_LARGE, "请求体过大 (request body too large)"),
    415: (codes.UNSUPPORTED_MEDIA_TYPE, "请使用 application/json (unsupported media type)"),
}
# What Werkzeug raises inside a worker while the request is read: a body past the size limit
# (413), not JSON (415), unreadable (400). Answers to the caller like a ServiceError, so nameko
# is told to expect them and servicekit.logging keeps each to one INFO line, no traceback.
REQUEST_REFUSALS = (BadRequest, RequestEntityTooLarge, UnsupportedMediaType)


def envelope(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


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


class WideWebServer(WebServer):  # type: ignore[misc]  # subclasses untyped nameko
    """nameko's web server, listening with LISTEN_BACKLOG instead of eventlet's 50."""

    _starting: bool  # set by WebServer.__init__

    def start(self) -> None:
        # nameko's WebServer.start, but for the backlog.
        if not self._starting:
            self._starting = True
            self._sock = eventlet.listen(self.bind_addr, backlog=LISTEN_BACKLOG)
            self._sock.settimeout(None)  # as nameko: https://github.com/celery/kombu/issues/838
            self._serv = self.get_wsgi_server(self._sock, self.get_wsgi_app())
            self._gt = self.container.spawn_managed_thread(self.run)


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
