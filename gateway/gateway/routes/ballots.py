"""Voting routes (代表定), part 2: the floor of a session — deliberation by delegations,
check-in, ballot tokens, the anonymous cast, receipts, paper ballots and street consultation.

Casting needs no login: the one-time token is the gate, and it names its level in its first
letter, so the gateway routes it without asking anyone. Casting is also exempt from the
per-client public rate limit: a whole hall of deputies votes from behind one NAT address at
once, and a token can be spent only once anyway. The body-size limit and the error envelope
still apply (servicekit.http).
"""

from typing import Any

from contracts import voting as contract
from contracts.rpc import VOTING, VotingRpc
from servicekit.http import http
from servicekit.validation import load
from werkzeug.wrappers import Request, Response

from .. import web
from ..apidoc import Route
from .sessions import SESSION, SESSION_DOC, SessionCalls


class BallotRoutes(SessionCalls):
    """Mixed into GatewayService, which provides `rpc`, `identity` and `limits`."""

    limits: Any

    @http("POST", f"{SESSION}/deliberations")
    def record_deliberation(self, request: Request, session_id: str) -> Response:
        return self._staff_post(
            request,
            session_id,
            contract.DeliberationRecord,
            VotingRpc.record_deliberation,
            status=201,
        )

    @http("GET", f"{SESSION}/deliberations")
    def deliberation_summary(self, request: Request, session_id: str) -> Response:
        return self._staff_read(session_id, VotingRpc.deliberation_summary)

    @http("POST", f"{SESSION}/check-in")
    def check_in(self, request: Request, session_id: str) -> Response:
        return self._staff_post(request, session_id, contract.CheckIn, VotingRpc.check_in)

    @http("POST", f"{SESSION}/tokens")
    def issue_ballot(self, request: Request, session_id: str) -> Response:
        response = self._staff_post(
            request, session_id, contract.TokenIssue, VotingRpc.issue_ballot, status=201
        )
        response.headers["Cache-Control"] = "no-store"  # the token is shown once, kept nowhere
        return response

    @http("POST", "/api/v1/ballots")
    def cast_ballot(self, request: Request) -> Response:
        """No login and no per-client rate limit (see the module docstring)."""
        raw = web.json_body(request)
        body = load(contract.BallotCast, raw)  # a malformed token is a 400 here
        level = contract.token_level(body["token"])
        return web.ok(self.rpc.call(VOTING, level, VotingRpc.cast_ballot, raw), 201)

    @http("GET", f"{SESSION}/receipts/<string:code>")
    def check_receipt(self, request: Request, session_id: str, code: str) -> Response:
        self.limits.public(request)
        return web.ok(self._to_session(session_id, VotingRpc.check_receipt, code))

    # ---- paper ballots: two tellers enter each sheet; the supervisor resolves mismatches
    @http("POST", f"{SESSION}/paper-ballots")
    def enter_paper_ballot(self, request: Request, session_id: str) -> Response:
        return self._staff_post(
            request,
            session_id,
            contract.PaperBallotEntry,
            VotingRpc.enter_paper_ballot,
            status=201,
        )

    @http("POST", f"{SESSION}/paper-ballots/<int:sheet>/resolution")
    def resolve_paper_ballot(self, request: Request, session_id: str, sheet: int) -> Response:
        return self._staff_post(
            request, session_id, contract.PaperResolution, VotingRpc.resolve_paper_ballot, sheet
        )

    @http("POST", f"{SESSION}/paper-count")
    def record_paper_count(self, request: Request, session_id: str) -> Response:
        return self._staff_post(
            request, session_id, contract.PaperCount, VotingRpc.record_paper_count
        )

    @http("GET", f"{SESSION}/paper-ballots")
    def paper_status(self, request: Request, session_id: str) -> Response:
        return self._staff_read(session_id, VotingRpc.paper_status)

    @http("POST", f"{SESSION}/consultation")
    def record_consultation(self, request: Request, session_id: str) -> Response:
        return self._staff_post(
            request,
            session_id,
            contract.ConsultationRecord,
            VotingRpc.record_consultation,
            status=201,
        )


def _doc(method: str, path: str, summary: str, response: type, **kwargs: Any) -> Route:
    return Route(method, f"{SESSION_DOC}{path}", summary, "voting", response, login=True, **kwargs)


DOCS = (
    _doc(
        "post",
        "/deliberations",
        "登记代表团审议意见 (record a delegation's deliberation)",
        contract.DeliberationSummary,
        status=201,
        body=contract.DeliberationRecord,
    ),
    _doc(
        "get",
        "/deliberations",
        "各代表团审议意见汇总 (deliberation summary for the presidium)",
        contract.DeliberationSummary,
    ),
    _doc(
        "post",
        "/check-in",
        "代表签到 (check deputies in)",
        contract.Attendance,
        body=contract.CheckIn,
    ),
    _doc(
        "post",
        "/tokens",
        "发放选票：一次性电子凭证或纸质选票 (issue a ballot; the token is shown once)",
        contract.IssuedBallot,
        status=201,
        body=contract.TokenIssue,
    ),
    Route(
        "post",
        "/api/v1/ballots",
        "凭一次性凭证投票，无需登录 (cast a ballot with a one-time token)",
        "voting",
        contract.Receipt,
        201,
        contract.BallotCast,
    ),
    Route(
        "get",
        f"{SESSION_DOC}/receipts/{{code}}",
        "凭回执核对选票已计入 (check a receipt is in the box)",
        "voting",
        contract.ReceiptCheck,
        public_limit=True,
    ),
    _doc(
        "post",
        "/paper-ballots",
        "录入纸质选票（双人录入）(enter a paper ballot)",
        contract.PaperSheet,
        status=201,
        body=contract.PaperBallotEntry,
    ),
    _doc(
        "post",
        "/paper-ballots/{sheet}/resolution",
        "监票人裁定录入不一致的选票 (resolve a mismatched sheet)",
        contract.PaperSheet,
        body=contract.PaperResolution,
    ),
    _doc(
        "post",
        "/paper-count",
        "登记收回的纸质选票张数 (record the paper ballots returned)",
        contract.PaperStatus,
        body=contract.PaperCount,
    ),
    _doc(
        "get",
        "/paper-ballots",
        "纸质选票录入进度与不一致 (paper ballot status)",
        contract.PaperStatus,
    ),
    _doc(
        "post",
        "/consultation",
        "登记会商结果（会商制）(record a street consultation)",
        contract.Session,
        status=201,
        body=contract.ConsultationRecord,
    ),
)
