"""Every event and who consumes it. Names: <noun>_<past participle>_v<N> (STYLE §2.4).

Additive changes keep the version; a breaking change adds _v2 and both are published until
every consumer has moved.
"""

from dataclasses import dataclass

from marshmallow import Schema, fields, validate

from .fields import StrictSchema, area_code, bounded_int, one_of
from .implementation import CADENCES, STANDINGS
from .reference import (
    CATEGORIES,
    CHANNELS,
    LEVELS,
    MAX_BENEFICIARIES,
    MAX_COST_FEN,
    SCREENING_VERDICTS,
)


@dataclass(frozen=True)
class EventSpec:
    source: str  # logical publishing service: its exchange is "<source>.events"
    name: str  # event type with version, the routing key
    schema: type[Schema]

    @property
    def version(self) -> int:
        return int(self.name.rsplit("_v", 1)[1])


@dataclass(frozen=True)
class Subscription:
    """A consumer's durable queue for one event; declared at deploy time, before any publish."""

    event: EventSpec
    consumer: str  # logical consuming service
    handler: str  # method name, handle_<source>_<event>

    @property
    def queue(self) -> str:
        return f"evt-{self.event.source}-{self.event.name}--{self.consumer}.{self.handler}"


class ProposalSubmittedV1(StrictSchema):
    """A proposal entered the collection. Carries no personal data of the submitter."""

    proposal_id = fields.UUID(required=True)
    tracking_code = fields.String(required=True)
    # Null only for a proposal from a petition matter in an area that has no notice at all.
    notice_id = fields.UUID(required=True, allow_none=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    channel = one_of(CHANNELS, required=True)
    category = one_of(CATEGORIES, required=True)
    title = fields.String(required=True)
    estimated_cost_fen = bounded_int(0, MAX_COST_FEN, allow_none=True, load_default=None)
    beneficiaries = bounded_int(0, MAX_BENEFICIARIES, allow_none=True, load_default=None)
    submitted_at = fields.AwareDateTime(required=True)


PROPOSAL_SUBMITTED = EventSpec("collection", "proposal_submitted_v1", ProposalSubmittedV1)


class ProposalScreenedV1(StrictSchema):
    """The submitter is answered (a step after publication): the verdict and its public reason.
    `source_matter_id` lets petition tell the resident whose matter became this proposal."""

    proposal_id = fields.UUID(required=True)
    tracking_code = fields.String(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    verdict = one_of(SCREENING_VERDICTS, required=True)
    reason = fields.String(allow_none=True, load_default=None)
    source_matter_id = fields.String(allow_none=True, load_default=None)
    answered_at = fields.AwareDateTime(required=True)


PROPOSAL_SCREENED = EventSpec("collection", "proposal_screened_v1", ProposalScreenedV1)


class Candidate(StrictSchema):
    position = fields.Integer(required=True)  # 1-based, in ballot order
    proposal_id = fields.UUID(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    category = one_of(CATEGORIES, required=True)
    estimated_cost_fen = bounded_int(0, MAX_COST_FEN, allow_none=True, load_default=None)
    lead_department = fields.String(allow_none=True, load_default=None)
    rationale = fields.String(required=True)


class CandidateListFrozenV1(StrictSchema):
    """A candidate list fixed for a vote: voting binds a session to it. Never changes."""

    candidate_list_id = fields.UUID(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    seats = bounded_int(1, 1000, required=True)
    differential_ratio_permille = bounded_int(0, 10_000, required=True)  # 200 = 20%
    content_hash = fields.String(required=True)  # sha256 hex of the canonical candidate JSON
    frozen_at = fields.AwareDateTime(required=True)
    candidates = fields.List(fields.Nested(Candidate), required=True)


CANDIDATE_LIST_FROZEN = EventSpec("collection", "candidate_list_frozen_v1", CandidateListFrozenV1)


class CandidateResult(StrictSchema):
    proposal_id = fields.UUID(required=True)
    title = fields.String(required=True)
    approve = fields.Integer(required=True)
    oppose = fields.Integer(required=True)
    abstain = fields.Integer(required=True)
    elected = fields.Boolean(required=True)
    rank = fields.Integer(allow_none=True, load_default=None)  # by approvals; null if unranked
    # From the frozen list, so an elected candidate becomes a project without another lookup
    # (added later: absent in events announced before, hence the defaults).
    category = one_of(CATEGORIES, allow_none=True, load_default=None)
    estimated_cost_fen = bounded_int(0, MAX_COST_FEN, allow_none=True, load_default=None)
    lead_department = fields.String(allow_none=True, load_default=None)


class BallotCounts(StrictSchema):
    issued = fields.Integer(required=True)
    returned = fields.Integer(required=True)
    valid = fields.Integer(required=True)
    invalid = fields.Integer(required=True)


class SessionResultsAnnouncedV1(StrictSchema):
    """The result of a vote on a candidate list, as announced on the spot (voting service)."""

    session_id = fields.String(required=True)
    candidate_list_id = fields.UUID(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    rules_version = fields.Integer(required=True)
    digest = fields.String(required=True)
    announced_at = fields.AwareDateTime(required=True)
    ballots = fields.Nested(BallotCounts, required=True)
    candidates = fields.List(fields.Nested(CandidateResult), required=True)


SESSION_RESULTS_ANNOUNCED = EventSpec(
    "voting", "session_results_announced_v1", SessionResultsAnnouncedV1
)


class ProjectSatisfactionResult(StrictSchema):
    project_id = fields.String(required=True)
    title = fields.String(required=True)
    satisfied = fields.Integer(required=True)  # 满意
    basically = fields.Integer(required=True)  # 基本满意
    dissatisfied = fields.Integer(required=True)  # 不满意
    abstain = fields.Integer(required=True)
    rate = fields.String(allow_none=True, required=True)  # "(满意+基本满意)/valid", unreduced
    rate_permille = fields.Integer(allow_none=True, required=True)


class SatisfactionVoteCompletedV1(StrictSchema):
    """A satisfaction vote (满意度测评) announced: per project counts and rate (voting service)."""

    session_id = fields.String(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    digest = fields.String(required=True)
    void = fields.Boolean(required=True)
    completed_at = fields.AwareDateTime(required=True)
    ballots = fields.Nested(BallotCounts, required=True)
    projects = fields.List(fields.Nested(ProjectSatisfactionResult), required=True)


SATISFACTION_VOTE_COMPLETED = EventSpec(
    "voting", "satisfaction_vote_completed_v1", SatisfactionVoteCompletedV1
)


class MatterConvertedToProposalV1(StrictSchema):
    """A resident's matter handled by a deputy becomes a livelihood proposal (petition service).
    The resident's contact stays with petition; collection keeps only the matter id."""

    matter_id = fields.String(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    category = one_of(CATEGORIES, required=True)
    location_text = fields.String(required=True)
    deputy_name = fields.String(allow_none=True, load_default=None)
    converted_at = fields.AwareDateTime(required=True)


MATTER_CONVERTED_TO_PROPOSAL = EventSpec(
    "petition", "matter_converted_to_proposal_v1", MatterConvertedToProposalV1
)


# Petition's events carry no resident's name, phone or text: ids, places, states and dates.
MATTER_LEVEL_STEPS = ("urge", "circulate", "circulate_upper")  # 催办, 通报, 通报上级


class MatterSubmittedV1(StrictSchema):
    """A matter reached a deputy or a station (码上找代表, or entered by them)."""

    matter_id = fields.String(required=True)
    tracking_code = fields.String(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    channel = fields.String(required=True)
    category = fields.String(required=True)
    deputy_id = fields.String(allow_none=True, load_default=None)
    station_id = fields.String(allow_none=True, load_default=None)
    submitted_at = fields.AwareDateTime(required=True)


MATTER_SUBMITTED = EventSpec("petition", "matter_submitted_v1", MatterSubmittedV1)


class MatterEscalatedV1(StrictSchema):
    """A matter reported up (上报) to the next level, whose staff and deputies now handle it;
    its history stays with it."""

    matter_id = fields.String(required=True)
    # The area of the level now handling it (above `area_code`, the matter's own place).
    handling_area_code = area_code(required=True)
    area_code = area_code(required=True)
    from_level = one_of(LEVELS, required=True)
    level = one_of(LEVELS, required=True)
    escalations = fields.Integer(required=True)  # how many times it went up, this one included
    escalated_at = fields.AwareDateTime(required=True)


MATTER_ESCALATED = EventSpec("petition", "matter_escalated_v1", MatterEscalatedV1)


class MatterResolvedV1(StrictSchema):
    """A matter's resolution recorded (办结): its tier, whether on time, whether locally."""

    matter_id = fields.String(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    origin_level = one_of(LEVELS, required=True)
    tier = fields.String(required=True)
    on_time = fields.Boolean(allow_none=True, required=True)  # null: no due date was known
    resolved_locally = fields.Boolean(required=True)  # 就地化解: not passed up beyond the banner
    reopens = fields.Integer(required=True)
    resolved_at = fields.AwareDateTime(required=True)


MATTER_RESOLVED = EventSpec("petition", "matter_resolved_v1", MatterResolvedV1)


class _MatterTimeLimitStep(StrictSchema):
    matter_id = fields.String(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    stage = fields.String(required=True)  # accept / handle
    due_date = fields.Date(required=True)
    step = one_of(MATTER_LEVEL_STEPS, required=True)
    distance = fields.Integer(required=True)  # units from the due day: −2 before, +1 after
    unit = fields.String(required=True)  # workday / calendar_day
    raised_at = fields.AwareDateTime(required=True)


class MatterUrgedV1(_MatterTimeLimitStep):
    """催办: a time limit is about to run out."""


MATTER_URGED = EventSpec("petition", "matter_urged_v1", MatterUrgedV1)


class MatterCirculatedV1(_MatterTimeLimitStep):
    """通报 (or 通报上级): a time limit ran out and the matter is not done."""


MATTER_CIRCULATED = EventSpec("petition", "matter_circulated_v1", MatterCirculatedV1)


class ProjectCreatedV1(StrictSchema):
    """An elected candidate became a livelihood project (民生实事项目, implementation)."""

    project_id = fields.String(required=True)
    proposal_id = fields.UUID(required=True)
    session_id = fields.String(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    category = one_of(CATEGORIES, required=True)
    estimated_cost_fen = bounded_int(0, MAX_COST_FEN, allow_none=True, load_default=None)
    lead_department = fields.String(allow_none=True, load_default=None)  # the list's suggestion
    results_digest = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)


PROJECT_CREATED = EventSpec("implementation", "project_created_v1", ProjectCreatedV1)


class PlanAdoptedV1(StrictSchema):
    """A task plan (任务分解方案) written or changed: who leads it, by when, in how many
    milestones. Names of officials and units only (a plan names no resident)."""

    project_id = fields.String(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    version = fields.Integer(required=True)
    lead_leader = fields.String(required=True)
    lead_department = fields.String(required=True)
    co_departments = fields.List(fields.String(), required=True)
    start = fields.Date(required=True)
    deadline = fields.Date(required=True)
    milestones = fields.Integer(required=True)
    reason = fields.String(required=True)
    adopted_at = fields.AwareDateTime(required=True)


PLAN_ADOPTED = EventSpec("implementation", "plan_adopted_v1", PlanAdoptedV1)


class ProgressReportedV1(StrictSchema):
    """A scheduling report on a project: progress against plan (序时进度) at `as_of`."""

    project_id = fields.String(required=True)
    proposal_id = fields.UUID(required=True)
    report_id = fields.String(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    cadence = one_of(CADENCES, required=True)
    period = fields.String(required=True)
    as_of = fields.Date(required=True)
    actual_percent = fields.String(required=True)  # "45.0"
    planned_percent = fields.String(required=True)
    standing = one_of(STANDINGS, required=True)
    reported_at = fields.AwareDateTime(required=True)


PROGRESS_REPORTED = EventSpec("implementation", "progress_reported_v1", ProgressReportedV1)


class ProjectFlaggedV1(StrictSchema):
    """Lagging in N reports in a row: the project is put under flagged supervision (挂牌督办)."""

    project_id = fields.String(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    consecutive_lagging = fields.Integer(required=True)
    actual_percent = fields.String(required=True)
    planned_percent = fields.String(required=True)
    flagged_at = fields.AwareDateTime(required=True)


PROJECT_FLAGGED = EventSpec("implementation", "project_flagged_v1", ProjectFlaggedV1)


class RectificationRequestedV1(StrictSchema):
    """A supervision group hands a finding to the government to rectify (交办问题, supervision).
    Implementation turns it into a problem on the project's list."""

    request_id = fields.String(required=True)
    project_id = fields.String(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    group_id = fields.String(required=True)
    group_name = fields.String(required=True)
    finding = fields.String(required=True)
    due_date = fields.Date(required=True)
    requested_at = fields.AwareDateTime(required=True)


RECTIFICATION_REQUESTED = EventSpec(
    "supervision", "rectification_requested_v1", RectificationRequestedV1
)


class RectificationReportedV1(StrictSchema):
    """The government reports a requested rectification done (its problem resolved); the
    group then looks back (回头看)."""

    request_id = fields.String(required=True)
    problem_id = fields.String(required=True)
    project_id = fields.String(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    measure = fields.String(required=True)
    note = fields.String(required=True)
    reported_at = fields.AwareDateTime(required=True)


RECTIFICATION_REPORTED = EventSpec(
    "implementation", "rectification_reported_v1", RectificationReportedV1
)


class ProblemOverdueV1(StrictSchema):
    """A problem past its due date reached a reminder step (温馨提示 → 限期督促 → 专报通报)."""

    problem_id = fields.String(required=True)
    project_id = fields.String(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    source = fields.String(required=True)
    source_ref = fields.String(allow_none=True, load_default=None)
    due_date = fields.Date(required=True)
    step = fields.String(required=True)
    overdue_working_days = fields.Integer(required=True)
    raised_at = fields.AwareDateTime(required=True)


PROBLEM_OVERDUE = EventSpec("implementation", "problem_overdue_v1", ProblemOverdueV1)


class ProjectCompletedV1(StrictSchema):
    """A project passed its acceptance (验收): the completion KPI counts it in its year when
    `same_year` (accepted by 31 December and never carried over)."""

    project_id = fields.String(required=True)
    proposal_id = fields.UUID(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    completed_on = fields.Date(required=True)
    result = fields.String(required=True)  # passed / passed_with_rectification
    same_year = fields.Boolean(required=True)
    completed_at = fields.AwareDateTime(required=True)


PROJECT_COMPLETED = EventSpec("implementation", "project_completed_v1", ProjectCompletedV1)


class FundsDisbursedV1(StrictSchema):
    """Money moved on a project (拨付 to it, or 支付 out of it): supervision's file shows it next
    to the progress. Units, vouchers and fen only: a payee is a unit, never a resident."""

    flow_id = fields.UUID(required=True)
    project_id = fields.String(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("disbursement", "payment")))
    source = fields.String(required=True)
    amount_fen = fields.Integer(required=True)
    flow_date = fields.Date(required=True)
    voucher_no = fields.String(required=True)
    budget_fen = fields.Integer(required=True)  # the adjusted budget, all sources
    disbursed_fen = fields.Integer(required=True)  # all sources, this flow included
    paid_fen = fields.Integer(required=True)
    recorded_at = fields.AwareDateTime(required=True)


FUNDS_DISBURSED = EventSpec("implementation", "funds_disbursed_v1", FundsDisbursedV1)


LOOKBACK_OUTCOMES = ("rectified", "partly", "not_rectified")  # 已整改 / 部分整改 / 未整改
LOOKBACK_NEXT = ("closed", "reopened", "escalated")  # 销号 / 重新交办 / 提交主任会议


class LookbackCompletedV1(StrictSchema):
    """A supervision group looked back (回头看) at a rectification: closed, reopened with a new
    due date, or escalated to the chairpersons' meeting after the last allowed round."""

    request_id = fields.String(required=True)
    project_id = fields.String(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    group_id = fields.String(required=True)
    round = fields.Integer(required=True)  # 1 for the first look-back
    outcome = one_of(LOOKBACK_OUTCOMES, required=True)
    next = one_of(LOOKBACK_NEXT, required=True)
    new_due_date = fields.Date(allow_none=True, load_default=None)  # when reopened
    completed_at = fields.AwareDateTime(required=True)


LOOKBACK_COMPLETED = EventSpec("supervision", "lookback_completed_v1", LookbackCompletedV1)


class EvaluationRecordedV1(StrictSchema):
    """A performance evaluation (绩效评价) or a pre-evaluation (预评估) recorded, with its
    weighted total (exact, as text) and grade."""

    evaluation_id = fields.String(required=True)
    project_id = fields.String(allow_none=True, load_default=None)  # None: a special fund's
    fund = fields.String(allow_none=True, load_default=None)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("evaluation", "pre_evaluation")))
    framework_id = fields.String(required=True)
    framework_version = fields.Integer(required=True)
    total = fields.String(required=True)  # "87.5"
    grade = fields.String(required=True)
    recorded_at = fields.AwareDateTime(required=True)


EVALUATION_RECORDED = EventSpec("supervision", "evaluation_recorded_v1", EvaluationRecordedV1)


class SatisfactionProject(StrictSchema):
    project_id = fields.String(required=True)
    title = fields.String(required=True)


class SatisfactionVoteRequestedV1(StrictSchema):
    """Supervision asks voting to prepare a satisfaction vote (满意度测评) on the year's projects:
    voting creates the session (a draft, id `session_id`) once, whatever is redelivered."""

    request_id = fields.String(required=True)
    session_id = fields.String(required=True)  # contracts.voting.requested_session_id
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    projects = fields.List(fields.Nested(SatisfactionProject), required=True)
    requested_at = fields.AwareDateTime(required=True)


SATISFACTION_VOTE_REQUESTED = EventSpec(
    "supervision", "satisfaction_vote_requested_v1", SatisfactionVoteRequestedV1
)

EVENTS: dict[str, EventSpec] = {
    spec.name: spec
    for spec in (
        PROPOSAL_SUBMITTED,
        PROPOSAL_SCREENED,
        CANDIDATE_LIST_FROZEN,
        SESSION_RESULTS_ANNOUNCED,
        SATISFACTION_VOTE_COMPLETED,
        MATTER_CONVERTED_TO_PROPOSAL,
        MATTER_SUBMITTED,
        MATTER_ESCALATED,
        MATTER_RESOLVED,
        MATTER_URGED,
        MATTER_CIRCULATED,
        PROJECT_CREATED,
        PROGRESS_REPORTED,
        PROJECT_FLAGGED,
        RECTIFICATION_REQUESTED,
        RECTIFICATION_REPORTED,
        PROBLEM_OVERDUE,
        PROJECT_COMPLETED,
        FUNDS_DISBURSED,
        PLAN_ADOPTED,
        LOOKBACK_COMPLETED,
        EVALUATION_RECORDED,
        SATISFACTION_VOTE_REQUESTED,
    )
}

SUBSCRIPTIONS: tuple[Subscription, ...] = (
    Subscription(CANDIDATE_LIST_FROZEN, "voting", "handle_collection_candidate_list_frozen"),
    Subscription(
        SESSION_RESULTS_ANNOUNCED, "collection", "handle_voting_session_results_announced"
    ),
    Subscription(
        MATTER_CONVERTED_TO_PROPOSAL,
        "collection",
        "handle_petition_matter_converted_to_proposal",
    ),
    Subscription(
        SESSION_RESULTS_ANNOUNCED, "implementation", "handle_voting_session_results_announced"
    ),
    Subscription(
        RECTIFICATION_REQUESTED, "implementation", "handle_supervision_rectification_requested"
    ),
    Subscription(PROJECT_CREATED, "collection", "handle_implementation_project_created"),
    Subscription(PROGRESS_REPORTED, "collection", "handle_implementation_progress_reported"),
    # What became of a matter converted into a proposal, for the resident's tracking page.
    Subscription(PROPOSAL_SCREENED, "petition", "handle_collection_proposal_screened"),
    # Supervision's file of each project: the government's facts, as they happen.
    *(
        Subscription(spec, "supervision", f"handle_implementation_{spec.name[:-3]}")
        for spec in (
            PROJECT_CREATED,
            PLAN_ADOPTED,
            PROGRESS_REPORTED,
            PROJECT_FLAGGED,
            PROBLEM_OVERDUE,
            FUNDS_DISBURSED,
            PROJECT_COMPLETED,
            RECTIFICATION_REPORTED,
        )
    ),
    Subscription(
        SATISFACTION_VOTE_COMPLETED, "supervision", "handle_voting_satisfaction_vote_completed"
    ),
    Subscription(
        SATISFACTION_VOTE_REQUESTED, "voting", "handle_supervision_satisfaction_vote_requested"
    ),
)


def spec_for(event_type: str) -> EventSpec:
    return EVENTS[event_type]
