"""The floor of a session: deliberation by delegations, check-in, ballot tokens, the anonymous
cast, receipts, paper ballots and street consultation.

Casting needs no login: the one-time token is the gate, and it names its level in its first
letter, so the gateway routes it without asking anyone. Casting is exempt from the per-client
public rate limit — a whole hall of deputies votes from behind one NAT address at once — but
unknown tokens are capped per client and session (RATE_LIMIT_BOGUS_TOKENS, 30/60): only a 404
counts, so guessing tokens gets 429 while the hall's valid casts are never counted. The
body-size limit and the error envelope still apply (servicekit.http).

Tokens are made on the deputy's device (or by the desk's printer, contracts.ballot_tokens): the
issue and reissue routes take only the token's hash, and answer nothing that can vote.
"""

from collections.abc import Callable

from contracts import voting as v
from contracts.rpc import VOTING
from contracts.rpc import VotingRpc as Rpc
from servicekit.errors import NotFound
from werkzeug.wrappers import Response

from ...table import Letter
from ...table.handle import Exchange
from ...table.route import routes_of
from . import roles
from .sessions import IN_SESSION, SESSION

route = routes_of(VOTING, "voting")
TOKEN = Letter("body", "token", v.token_level, "选票凭证格式不正确 (malformed ballot token)")


def capped(
    key_of: Callable[[Exchange], str],
) -> Callable[[Exchange, Callable[[], Response]], Response]:
    """A route's `around`: 429 once this client has sent too many unknown tokens under the
    key `key_of` names; only 404s (unknown tokens) count, never a valid token."""

    def around(exchange: Exchange, call: Callable[[], Response]) -> Response:
        limits = exchange.gateway.limits
        key = f"{limits.client(exchange.request)} {key_of(exchange)}"
        limits.bogus_tokens.refuse_if_over(key)
        try:
            return call()
        except NotFound:
            limits.bogus_tokens.hit(key)
            raise

    return around


# The cast counts per client and session; opening a ballot per client (its body names no
# session).
cap_unknown_tokens = capped(lambda exchange: exchange.part("body")["session_id"])
cap_unknown_tokens_opened = capped(lambda exchange: "open")


ROUTES = (
    route(
        "post",
        f"{SESSION}/deliberations",
        Rpc.record_deliberation,
        "登记代表团审议意见 (record a delegation's deliberation)",
        roles=roles.RUN,
        where=IN_SESSION,
        body=v.DeliberationRecord,
        response=v.DeliberationSummary,
        status=201,
        refuses=(409, 422),  # not in deliberation; unknown candidates
    ),
    route(
        "get",
        f"{SESSION}/deliberations",
        Rpc.deliberation_summary,
        "各代表团审议意见汇总 (deliberation summary for the presidium)",
        roles=roles.SESSION_READ,
        where=IN_SESSION,
        response=v.DeliberationSummary,
    ),
    route(
        "post",
        f"{SESSION}/check-in",
        Rpc.check_in,
        "代表签到 (check deputies in)",
        roles=roles.ROLL,
        who="人大代表只能为本人签到（名册账号）(a deputy checks in only themselves)",
        where=IN_SESSION,
        body=v.CheckIn,
        response=v.Attendance,
        refuses=(409, 422),  # not open for check-in; numbers not on the roster
    ),
    route(
        "get",
        f"{SESSION}/attendance",
        Rpc.attendance_report,
        "签到与领票记录：谁为谁签到、代表本人确认、谁发放 (attendance: who checked whom in, "
        "who confirmed, who issued)",
        roles=roles.READ,
        where=IN_SESSION,
        response=v.AttendanceView,
    ),
    route(
        "post",
        f"{SESSION}/tokens",
        Rpc.issue_ballot,
        "登记代表设备生成的选票凭证哈希，或发放纸质选票 (register the hash of a token made on "
        "the deputy's device, or issue a paper ballot; the same hash again answers the same)",
        roles=roles.ROLL,
        who="人大代表只能为本人领取 (a deputy takes only their own ballot)",
        where=IN_SESSION,
        body=v.TokenIssue,
        body_note=(
            "电子选票：token_hash 为设备生成的凭证的 SHA-256；纸质选票不带 (electronic: "
            "token_hash, the SHA-256 of the token the device made; paper: none)"
        ),
        response=v.IssuedBallot,
        status=201,
        no_store=True,
        refuses=(409, 422),  # another hash for an issued deputy, a hash taken; not checked in
    ),
    route(
        "post",
        f"{SESSION}/tokens/reissue",
        Rpc.reissue_ballot,
        "补发选票凭证（设备遗失）：作废未投出的凭证，登记新哈希，记入审计日志 (reissue: void "
        "the unspent token, register a new hash; both in the audit log)",
        roles=roles.ROLL,
        who="人大代表只能为本人补发 (a deputy only their own)",
        where=IN_SESSION,
        body=v.TokenReissue,
        response=v.IssuedBallot,
        no_store=True,
        refuses=(409, 422),  # the token already voted, paper, a hash taken; nothing issued
    ),
    route(
        "post",
        "/api/v1/ballots/open",
        Rpc.open_ballot,
        "凭一次性凭证查看选票：候选项目、选票形式与限选数，已投则返回回执，无需登录 (the "
        "ballot a token votes on, and its receipt once cast; POST so the token stays out of URLs)",
        who=(
            "持有选票凭证者；每客户端限制未知凭证次数 (whoever holds a token; unknown tokens "
            "capped per client)"
        ),
        where=TOKEN,
        body=v.BallotOpen,
        response=v.BallotPaper,
        no_store=True,
        around=cap_unknown_tokens_opened,
        refuses=(404, 429),  # unknown token; unknown tokens capped
    ),
    route(
        "post",
        "/api/v1/ballots",
        Rpc.cast_ballot,
        "凭一次性凭证投票，无需登录 (cast a ballot with a one-time token)",
        who=(
            "持有选票凭证者；同一凭证重投返回原回执；每客户端每会议限制未知凭证次数 (whoever "
            "holds a token; a retry answers the same receipt; unknown tokens capped per client "
            "and session)"
        ),
        where=TOKEN,
        body=v.BallotCast,
        response=v.Receipt,
        status=201,
        around=cap_unknown_tokens,
        # unknown token; closed or another session; too many approvals; unknown tokens capped
        refuses=(404, 409, 422, 429),
    ),
    route(
        "get",
        f"{SESSION}/receipts/<string:code>",
        Rpc.check_receipt,
        "凭回执核对选票已计入 (check a receipt is in the box)",
        where=IN_SESSION,
        response=v.ReceiptCheck,
        public_limit=True,
    ),
    # Paper ballots: two tellers enter each sheet; the supervisor resolves mismatches.
    route(
        "post",
        f"{SESSION}/paper-ballots",
        Rpc.enter_paper_ballot,
        "录入纸质选票（双人录入）(enter a paper ballot)",
        roles=roles.TELLER,
        who="每张由两名不同的计票人录入 (two different tellers per sheet)",
        where=IN_SESSION,
        body=v.PaperBallotEntry,
        response=v.PaperSheet,
        status=201,
        refuses=(409, 422),
    ),
    route(
        "post",
        f"{SESSION}/paper-ballots/<int:sheet>/resolution",
        Rpc.resolve_paper_ballot,
        "监票人裁定录入不一致的选票 (resolve a mismatched sheet)",
        roles=roles.SUPERVISOR,
        where=IN_SESSION,
        body=v.PaperResolution,
        response=v.PaperSheet,
        refuses=(409, 422),
    ),
    route(
        "post",
        f"{SESSION}/paper-count",
        Rpc.record_paper_count,
        "登记收回的纸质选票张数 (record the paper ballots returned)",
        roles=roles.TELLER,
        where=IN_SESSION,
        body=v.PaperCount,
        response=v.PaperStatus,
        refuses=(409, 422),
    ),
    route(
        "get",
        f"{SESSION}/paper-ballots",
        Rpc.paper_status,
        "纸质选票录入进度与不一致 (paper ballot status)",
        roles=roles.READ,
        where=IN_SESSION,
        response=v.PaperStatus,
    ),
    route(
        "post",
        f"{SESSION}/consultation",
        Rpc.record_consultation,
        "登记会商结果（会商制）(record a street consultation)",
        roles=roles.RUN,
        where=IN_SESSION,
        body=v.ConsultationRecord,
        response=v.Session,
        status=201,
        refuses=(409, 422),  # not open, or not a consultation
    ),
)
