"""Voting routes (代表定), part 3: results, the audit chain and exports of a session.

Public once the result is published (anyone may recompute the digest from the published
ballots and chain); before that, only staff of the area. Who sees what is the voting service's
rule: the gateway needs no login here, and a caller's valid token still travels with the call
(gateway.identity), so staff can read a result before it is published. Rate-limited per client
like every public route.
"""

from typing import Any

from contracts import reports
from contracts import voting as contract
from contracts.rpc import VotingRpc
from servicekit.http import http
from servicekit.validation import load
from werkzeug.wrappers import Request, Response

from .. import web
from ..apidoc import Route
from .lists import _numbers as numbers
from .reports import file_response
from .sessions import SESSION, SESSION_DOC, SessionCalls

# Unknown formats do not match the route at all: 404 with the envelope, like any unknown path.
FORMAT = f"<any({', '.join(contract.EXPORT_FORMATS)}):fmt>"
MEDIA_TYPES = (
    "application/json",  # minsheng-session-export/1, what `python -m voting.verify` reads
    reports.CONTENT_TYPES["csv"],
    reports.CONTENT_TYPES["xlsx"],
    "text/plain; charset=utf-8",  # Pabulib .pb
)


class ResultRoutes(SessionCalls):
    """Mixed into GatewayService, which provides `rpc`, `identity` and `limits`."""

    limits: Any

    @http("GET", f"{SESSION}/result")
    def get_result(self, request: Request, session_id: str) -> Response:
        self.limits.public(request)
        return web.ok(self._to_session(session_id, VotingRpc.get_result))

    @http("GET", f"{SESSION}/audit")
    def get_audit(self, request: Request, session_id: str) -> Response:
        self.limits.public(request)
        return web.ok(self._to_session(session_id, VotingRpc.get_audit))

    @http("GET", f"{SESSION}/export.{FORMAT}")
    def get_export(self, request: Request, session_id: str, fmt: str) -> Response:
        """`?round=2` exports that round; without it, the last announced round."""
        self.limits.public(request)
        raw = numbers(web.query(request, "round"), "round")
        load(contract.ExportQuery, raw)
        return file_response(self._to_session(session_id, VotingRpc.get_export, fmt, raw))


def _doc(path: str, summary: str, response: type | None, **kwargs: Any) -> Route:
    return Route(
        "get", f"{SESSION_DOC}{path}", summary, "voting", response, public_limit=True, **kwargs
    )


DOCS = (
    _doc(
        "/result",
        "票决结果，各轮计票与当选项目（公开后任何人可查）(the result, public once published)",
        contract.SessionResult,
    ),
    _doc(
        "/audit",
        "哈希链审计日志 (the hash-chained audit log)",
        contract.AuditLog,
    ),
    _doc(
        "/export.{fmt}",
        "导出某一轮的结果与选票：json、csv、xlsx、pb (export a round; fmt: json|csv|xlsx|pb)",
        None,
        query=contract.ExportQuery,
        files=MEDIA_TYPES,
    ),
)
