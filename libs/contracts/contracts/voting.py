"""Stage 2 (代表定): the voting service's request and response schemas (method names in
`contracts.rpc.VotingRpc`).

Session ids and ballot tokens start with their level's letter (C/B/T, as tracking codes do), so
the gateway routes a deputy's anonymous cast, or a public result lookup, to the right level's
workers without asking anyone.
"""

import re
import uuid
from collections.abc import Sequence

from marshmallow import ValidationError, fields, validate, validates_schema

from .fields import LoadedData, StrictSchema, Whole, area_code, bounded_int, one_of, text
from .reference import LEVEL_LETTERS, LEVELS, level_of_tracking_code

FORMS = ("approve_oppose_abstain", "mark")
THRESHOLD_BASES = ("all", "present")
# What makes a ballot invalid; the engine always applies all of them (voting.domain.ballots).
INVALID_WHEN = ("more_than_k_approvals", "unknown_candidate_or_choice", "unreadable_paper")

ELECTION_KINDS = ("congress_session", "between_sessions", "street_representatives")
CONSULTATION = "street_consultation"  # 会商制: no ballot, same result shape
SATISFACTION = "satisfaction"  # 满意度测评
SESSION_KINDS = (*ELECTION_KINDS, CONSULTATION, SATISFACTION)
SESSION_KIND_NAMES = {
    "congress_session": "人代会票决",
    "between_sessions": "闭会期间票决",
    "street_representatives": "议政代表会票选",
    CONSULTATION: "会商制",
    SATISFACTION: "满意度测评",
}
SESSION_STATES = ("draft", "deliberation", "open", "closed", "tallied", "announced", "published")
STANCES = ("support", "oppose", "reserve")  # 赞成 / 反对 / 保留意见
MEDIA = ("electronic", "paper")
CHOICES = ("approve", "oppose", "abstain")
SATISFACTION_CHOICES = ("满意", "基本满意", "不满意")
PAPER_STATUSES = ("awaiting_second_entry", "matched", "mismatch", "resolved")

MAX_ROSTER_BYTES = 200 * 1024  # 2,000 deputies with phones: about 100 KB
MAX_DEPUTIES = 2000
MAX_CANDIDATES = 500
SESSION_ID_PATTERN = r"^[CBT]-[0-9a-f]{32}$"
TOKEN_PATTERN = r"^[CBT][0-9A-HJKMNP-TV-Z]{32}$"  # level letter + 160 random bits, base32


def session_level(session_id: str) -> str | None:
    """The level a session id names (its first letter), or None for a malformed id."""
    if not isinstance(session_id, str) or not re.fullmatch(SESSION_ID_PATTERN, session_id):
        return None
    return level_of_tracking_code(session_id)


# Fixed forever: a satisfaction vote supervision asked for has the id derived with it, so
# supervision knows the session before voting has made it, and a redelivery makes no second one.
REQUESTED_SESSION_NAMESPACE = uuid.UUID("3b8e7c52-1f0d-4a8e-9c3b-5d2a7e6f4b19")


def requested_session_id(level: str, request_id: str) -> str:
    return f"{LEVEL_LETTERS[level]}-{uuid.uuid5(REQUESTED_SESSION_NAMESPACE, request_id).hex}"


def token_level(token: str) -> str | None:
    if not isinstance(token, str) or not re.fullmatch(TOKEN_PATTERN, token):
        return None
    return level_of_tracking_code(token)


def level_letter(level: str) -> str:
    return LEVEL_LETTERS[level]


def _list(inner: fields.Field, low: int, high: int, **kwargs: object) -> fields.List:
    return fields.List(
        inner,
        validate=validate.Length(low, high, error=f"应有 {low} 到 {high} 项 ({low}-{high} items)"),
        **kwargs,
    )


def _unique(values: Sequence[object], field: str) -> None:
    if len(set(map(str, values))) != len(values):
        raise ValidationError("不能重复 (duplicates)", field)


# ---- voting rules (票决办法) -------------------------------------------------------------------
class VotingRulesCreate(StrictSchema):
    area_code = area_code(required=True)
    adopted_on = fields.Date(required=True)  # the date the congress adopted these rules
    document_ref = text(2, 200, required=True)  # e.g. "鄂人大常发〔2026〕3号"
    differential_ratio_permille = bounded_int(0, 10_000, load_default=200)  # 200 = 20%
    form = one_of(FORMS, load_default="approve_oppose_abstain")
    threshold_base = one_of(THRESHOLD_BASES, load_default="all")
    quorum_permille = bounded_int(1, 999, load_default=667)  # 667: more than two thirds
    publication_channel = text(2, 200, required=True)  # where results are published


class VotingRules(StrictSchema):
    id = fields.UUID(required=True)
    area_code = area_code(required=True)
    version = fields.Integer(required=True)  # 1, 2, … per area
    adopted_on = fields.Date(required=True)
    document_ref = fields.String(required=True)
    differential_ratio_permille = fields.Integer(required=True)
    form = one_of(FORMS, required=True)
    threshold_base = one_of(THRESHOLD_BASES, required=True)
    quorum_permille = fields.Integer(required=True)
    publication_channel = fields.String(required=True)
    invalid_when = fields.List(one_of(INVALID_WHEN), required=True)
    created_at = fields.AwareDateTime(required=True)


class VotingRulesQuery(StrictSchema):
    area_code = area_code(required=True)


class VotingRulesList(StrictSchema):
    items = fields.List(fields.Nested(VotingRules), required=True)  # newest version first


# ---- rosters and delegations (代表名册、代表团) -------------------------------------------------
class RosterImport(StrictSchema):
    """CSV, UTF-8 (a BOM is accepted), header row first. Columns, Chinese or English:
    代表证号/number, 姓名/name, 代表团/delegation, 电话/phone (optional), 账号/username (optional:
    the deputy's gateway account, so the deputy can check in and take a token themselves)."""

    area_code = area_code(required=True)
    title = text(2, 100, required=True)  # e.g. "鄂尔多斯市第五届人民代表大会代表名册"
    csv = fields.String(
        required=True,
        validate=validate.Length(
            1, MAX_ROSTER_BYTES, error="名册应为 1 到 204800 个字符的 CSV 文本 (csv: 1-204800)"
        ),
    )


class Delegation(StrictSchema):
    name = fields.String(required=True)
    deputies = fields.Integer(required=True)


class Roster(StrictSchema):
    id = fields.UUID(required=True)
    area_code = area_code(required=True)
    version = fields.Integer(required=True)
    title = fields.String(required=True)
    deputies = fields.Integer(required=True)
    delegations = fields.List(fields.Nested(Delegation), required=True)
    content_hash = fields.String(required=True)  # sha256 of the canonical roster (no phones)
    imported_at = fields.AwareDateTime(required=True)


# ---- sessions ---------------------------------------------------------------------------------
class ProjectIn(StrictSchema):
    project_id = text(1, 64, required=True)
    title = text(1, 200, required=True)


class SessionCreate(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, required=True)
    kind = one_of(SESSION_KINDS, required=True)
    title = text(2, 200, required=True)
    # Elections and consultations bind a frozen candidate list; satisfaction votes list projects.
    candidate_list_id = fields.UUID(load_default=None)
    projects = _list(fields.Nested(ProjectIn), 1, MAX_CANDIDATES, load_default=None)
    rules_version = bounded_int(1, 10_000, load_default=None)  # absent: the newest adopted

    @validates_schema
    def _binding(self, data: LoadedData, **kwargs: object) -> None:
        if data["kind"] == SATISFACTION:
            if not data.get("projects"):
                raise ValidationError("满意度测评须列出测评项目 (projects required)", "projects")
            if data.get("candidate_list_id"):
                raise ValidationError(
                    "满意度测评不绑定候选名单 (no candidate list)", "candidate_list_id"
                )
            _unique([p["project_id"] for p in data["projects"]], "projects")
        else:
            if not data.get("candidate_list_id"):
                raise ValidationError(
                    "须绑定已冻结的候选项目名单 (candidate_list_id required)", "candidate_list_id"
                )
            if data.get("projects"):
                raise ValidationError("只有满意度测评列出项目 (projects not allowed)", "projects")


class SessionCandidate(StrictSchema):
    id = fields.String(required=True)  # the proposal id (elections) or project id (satisfaction)
    position = fields.Integer(required=True)  # 1-based ballot order
    title = fields.String(required=True)


class Session(StrictSchema):
    id = fields.String(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    kind = one_of(SESSION_KINDS, required=True)
    title = fields.String(required=True)
    state = one_of(SESSION_STATES, required=True)
    round = fields.Integer(required=True)  # 1, or more after a runoff
    rules_version = fields.Integer(required=True)
    rules = fields.Dict(required=True)
    candidate_list_id = fields.UUID(allow_none=True, required=True)
    candidate_list_hash = fields.String(allow_none=True, required=True)
    roster_id = fields.UUID(required=True)
    roster_hash = fields.String(required=True)
    deputies_total = fields.Integer(required=True)
    present = fields.Integer(required=True)
    quorum_needed = fields.Integer(required=True)
    seats = fields.Integer(allow_none=True, required=True)
    candidates = fields.List(fields.Nested(SessionCandidate), required=True)  # this round's
    issued = fields.Integer(required=True)  # this round: tokens + paper ballots handed out
    cast = fields.Integer(required=True)  # this round: ballots in the box (electronic + paper)
    created_at = fields.AwareDateTime(required=True)


class SessionQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, load_default=None)


class SessionList(StrictSchema):
    items = fields.List(fields.Nested(Session), required=True)


class Transition(StrictSchema):
    """The body of open / close / tally / announce / publish / runoff: nothing, or a note."""

    note = text(1, 500, load_default=None)


# ---- deliberation (代表团审议) -----------------------------------------------------------------
class Opinion(StrictSchema):
    candidate_id = text(1, 64, required=True)
    stance = one_of(STANCES, required=True)
    comment = text(1, 1000, load_default=None)


class DeliberationRecord(StrictSchema):
    delegation = text(1, 100, required=True)
    opinions = _list(fields.Nested(Opinion), 1, MAX_CANDIDATES, required=True)

    @validates_schema
    def _one_per_candidate(self, data: LoadedData, **kwargs: object) -> None:
        _unique([o["candidate_id"] for o in data["opinions"]], "opinions")


class CandidateOpinions(StrictSchema):
    candidate_id = fields.String(required=True)
    title = fields.String(required=True)
    support = fields.Integer(required=True)
    oppose = fields.Integer(required=True)
    reserve = fields.Integer(required=True)
    comments = fields.List(fields.Dict(), required=True)  # [{"delegation", "stance", "comment"}]


class DeliberationSummary(StrictSchema):
    """What the presidium (主席团) sees before the vote: per candidate, each delegation's latest."""

    session_id = fields.String(required=True)
    delegations_reported = fields.List(fields.String(), required=True)
    delegations_missing = fields.List(fields.String(), required=True)
    candidates = fields.List(fields.Nested(CandidateOpinions), required=True)


# ---- check-in, tokens, casting ----------------------------------------------------------------
class CheckIn(StrictSchema):
    """Staff at the desk list deputy numbers; a deputy checking in alone lists their own."""

    deputy_numbers = _list(text(1, 32), 1, MAX_DEPUTIES, required=True)

    @validates_schema
    def _no_repeats(self, data: LoadedData, **kwargs: object) -> None:
        _unique(data["deputy_numbers"], "deputy_numbers")


class Attendance(StrictSchema):
    """Quorum counts every check-in, at the desk or by the deputy; `confirmed` says how many of
    them the deputies confirmed themselves (their own check-in on their own account)."""

    session_id = fields.String(required=True)
    present = fields.Integer(required=True)
    confirmed = fields.Integer(required=True)  # of `present`: checked in or confirmed by the deputy
    deputies_total = fields.Integer(required=True)
    quorum_needed = fields.Integer(required=True)
    quorum_met = fields.Boolean(required=True)
    checked_in = fields.List(fields.String(), required=True)  # newly, in this call
    already = fields.List(fields.String(), required=True)


class AttendanceRow(StrictSchema):
    deputy_number = fields.String(required=True)
    checked_in_by = fields.String(required=True)  # account id of whoever checked them in
    checked_in_at = fields.AwareDateTime(required=True)
    confirmed_by_deputy = fields.Boolean(required=True)
    confirmed_at = fields.AwareDateTime(allow_none=True, required=True)
    medium = one_of(MEDIA, allow_none=True, required=True)  # this round's ballot, if any
    issued_by = fields.String(allow_none=True, required=True)  # account id; null: none / legacy
    reissues = fields.Integer(required=True)  # tokens voided and replaced this round


class AttendanceView(StrictSchema):
    """The staff's attendance view: who checked whom in, who confirmed, who issued the ballot
    (the roll only: nothing of the ballot box)."""

    session_id = fields.String(required=True)
    round = fields.Integer(required=True)
    deputies_total = fields.Integer(required=True)
    present = fields.Integer(required=True)
    confirmed = fields.Integer(required=True)
    desk_only = fields.Integer(required=True)  # checked in at the desk, not (yet) confirmed
    quorum_needed = fields.Integer(required=True)
    quorum_met = fields.Boolean(required=True)
    deputies = fields.List(fields.Nested(AttendanceRow), required=True)


TOKEN_HASH = Whole(
    r"^[0-9a-f]{64}$",
    error="应为选票凭证的 SHA-256，64 位小写十六进制 (token_hash: the token's sha256, hex)",
)


class TokenIssue(StrictSchema):
    """The device (or the desk's printer) made the token (contracts.ballot_tokens) and sends
    only its hash: the reply, and whoever relays the request, never holds a usable token."""

    deputy_number = text(1, 32, required=True)
    medium = one_of(MEDIA, load_default="electronic")  # paper: a paper ballot is handed over
    token_hash = fields.String(load_default=None, validate=TOKEN_HASH)

    @validates_schema
    def _hash_for_tokens_only(self, data: LoadedData, **kwargs: object) -> None:
        if data["medium"] == "electronic" and data["token_hash"] is None:
            raise ValidationError("电子选票须提供凭证哈希 (token_hash required)", "token_hash")
        if data["medium"] == "paper" and data["token_hash"] is not None:
            raise ValidationError("纸质选票没有凭证 (paper takes no token_hash)", "token_hash")


class TokenReissue(StrictSchema):
    """A lost device: the deputy's unspent token is voided and this hash takes its place."""

    deputy_number = text(1, 32, required=True)
    token_hash = fields.String(required=True, validate=TOKEN_HASH)
    reason = text(1, 200, required=True)


class IssuedBallot(StrictSchema):
    """What the desk sees: no token, only the hash it relayed (which cannot vote). A retry with
    the same hash answers the same (idempotent); `issued` is the count at the time."""

    session_id = fields.String(required=True)
    round = fields.Integer(required=True)
    deputy_number = fields.String(required=True)
    medium = one_of(MEDIA, required=True)
    token_hash = fields.String(allow_none=True, required=True)  # null for paper
    issued_by = fields.String(allow_none=True, required=True)  # the first issue's account id
    reissues = fields.Integer(required=True)
    issued = fields.Integer(required=True)  # ballots handed out in this round so far


class BallotCast(StrictSchema):
    session_id = fields.String(
        required=True,
        validate=Whole(SESSION_ID_PATTERN, error="会议编号格式不正确 (bad session id)"),
    )
    token = fields.String(
        required=True,
        validate=Whole(TOKEN_PATTERN, error="选票凭证格式不正确 (bad ballot token)"),
    )
    # Elections: candidate id → approve/oppose/abstain (mark form: approve only; absent =
    # abstain / not marked). Satisfaction: project id → 满意/基本满意/不满意.
    choices = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class BallotOpen(StrictSchema):
    """The token only: what the ballot page sends to show the ballot the token votes on."""

    token = fields.String(
        required=True,
        validate=Whole(TOKEN_PATTERN, error="选票凭证格式不正确 (bad ballot token)"),
    )


class BallotCandidate(StrictSchema):
    id = fields.String(required=True)  # the key of `choices` in the cast
    position = fields.Integer(required=True)  # 1-based ballot order
    title = fields.String(required=True)
    summary = fields.String(allow_none=True, required=True)
    estimated_cost_fen = fields.Integer(allow_none=True, required=True)
    lead_department = fields.String(allow_none=True, required=True)


class BallotPaper(StrictSchema):
    """What a token votes on, for its holder: the session's current round, the form and the
    limit (K approvals), the candidates in ballot order. `receipt` is set once this token's
    ballot is in the box (a reload after the cast shows it instead of a second ballot)."""

    session_id = fields.String(required=True)
    kind = one_of(SESSION_KINDS, required=True)
    title = fields.String(required=True)
    state = one_of(SESSION_STATES, required=True)
    round = fields.Integer(required=True)
    form = one_of(FORMS, required=True)  # satisfaction votes: approve_oppose_abstain (unused)
    max_approvals = fields.Integer(allow_none=True, required=True)  # K; null for satisfaction
    choices = fields.List(fields.String(), required=True)  # the values `choices` may hold
    candidates = fields.List(fields.Nested(BallotCandidate), required=True)
    receipt = fields.String(allow_none=True, required=True)


class Receipt(StrictSchema):
    """Proves the ballot is in the box (it appears in the published receipts), not its content.
    The code is derived from the token (contracts.ballot_tokens.receipt_for): a cast retried
    with a spent token answers the same receipt, `repeated` true, and its choices are ignored."""

    session_id = fields.String(required=True)
    round = fields.Integer(required=True)
    receipt = fields.String(required=True)
    repeated = fields.Boolean(required=True)


class ReceiptCheck(StrictSchema):
    session_id = fields.String(required=True)
    receipt = fields.String(required=True)
    included = fields.Boolean(required=True)


# ---- paper ballots (纸质选票双录入) -------------------------------------------------------------
class PaperBallotEntry(StrictSchema):
    """One teller's reading of one paper sheet; `choices` null = unreadable. Two different
    tellers enter every sheet; a mismatch waits for the count supervisor (监票人)."""

    sheet = bounded_int(1, 100_000, required=True)
    choices = fields.Dict(
        keys=fields.String(), values=fields.String(), allow_none=True, required=True
    )


class PaperResolution(StrictSchema):
    choices = fields.Dict(
        keys=fields.String(), values=fields.String(), allow_none=True, required=True
    )
    note = text(1, 500, required=True)  # why, as the supervisor read the sheet


class PaperSheet(StrictSchema):
    session_id = fields.String(required=True)
    round = fields.Integer(required=True)
    sheet = fields.Integer(required=True)
    status = one_of(PAPER_STATUSES, required=True)
    entries = fields.Integer(required=True)


class PaperCount(StrictSchema):
    """The tellers' count of paper sheets taken from the box (收回); issued is the roll's."""

    returned = bounded_int(0, 100_000, required=True)


class PaperStatus(StrictSchema):
    session_id = fields.String(required=True)
    round = fields.Integer(required=True)
    issued = fields.Integer(required=True)
    returned = fields.Integer(allow_none=True, required=True)
    matched = fields.Integer(required=True)
    awaiting_second_entry = fields.List(fields.Integer(), required=True)
    mismatches = fields.List(fields.Integer(), required=True)


# ---- street consultation (会商制) ---------------------------------------------------------------
class ConsultationRecord(StrictSchema):
    participants = _list(text(1, 100), 1, MAX_DEPUTIES, required=True)
    minutes = text(10, 20_000, required=True)
    adopted = _list(text(1, 64), 1, MAX_CANDIDATES, required=True)  # candidate ids, in order

    @validates_schema
    def _no_repeats(self, data: LoadedData, **kwargs: object) -> None:
        _unique(data["adopted"], "adopted")


# ---- results ----------------------------------------------------------------------------------
class RoundResult(StrictSchema):
    round = fields.Integer(required=True)
    outcome = fields.String(required=True)  # decided / runoff / void / consultation
    note = fields.String(allow_none=True, required=True)
    tally = fields.Dict(required=True)  # voting.domain Tally / SatisfactionTally as_dict
    candidates = fields.List(fields.Dict(), required=True)  # tally rows with titles
    digest = fields.String(allow_none=True, required=True)
    audit_head = fields.String(allow_none=True, required=True)


class SessionResult(StrictSchema):
    session_id = fields.String(required=True)
    area_code = area_code(required=True)
    year = fields.Integer(required=True)
    kind = one_of(SESSION_KINDS, required=True)
    title = fields.String(required=True)
    state = one_of(SESSION_STATES, required=True)
    rules_version = fields.Integer(required=True)
    publication_channel = fields.String(required=True)
    rounds = fields.List(fields.Nested(RoundResult), required=True)
    elected = fields.List(fields.Dict(), required=True)  # over all rounds, by round then rank
    consultation = fields.Dict(allow_none=True, required=True)
    announced_at = fields.AwareDateTime(allow_none=True, required=True)
    published_at = fields.AwareDateTime(allow_none=True, required=True)


class AuditLog(StrictSchema):
    session_id = fields.String(required=True)
    head = fields.String(required=True)
    entries = fields.List(fields.Dict(), required=True)  # {seq, kind, data, prev, hash}


EXPORT_FORMATS = ("json", "csv", "xlsx", "pb")


class ExportQuery(StrictSchema):
    round = bounded_int(1, 100, load_default=None)  # absent: the last announced round
