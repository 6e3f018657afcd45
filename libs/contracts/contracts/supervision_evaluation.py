"""Supervision · evaluation: performance frameworks and evaluations (绩效评价), the deputies'
satisfaction vote (满意度测评), the year-end report: its RPC names and schemas.

Ids carry their level's letter (`T-<32 hex>`, as project ids do), so the gateway routes an
id-addressed call to the level that holds the record. Weights and scores are decimals sent as
JSON numbers or strings; the service keeps them exact (fractions), never floats.
"""

import re
import uuid
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate

from .fields import StrictSchema, area_code, bounded_int, one_of, text
from .proposals import AttachmentIn
from .reference import LEVEL_LETTERS, level_of_tracking_code

RECORD_ID_PATTERN = r"^[CBT]-[0-9a-f]{32}$"
SCOPES = ("project", "fund")  # a framework for projects or for special funds (专项资金)
WEIGHT_UNITS = ("points", "fraction")  # level-1 weights sum to 100 points, or to 1
EVALUATION_KINDS = ("evaluation", "pre_evaluation")  # 绩效评价 · 预评估
SATISFACTION_GRADES = ("满意", "基本满意", "不满意")
VOTE_STATES = ("requested", "completed", "void")
MAX_INDICATORS = 200
MAX_DEPTH = 3


def new_record_id(level: str) -> str:
    return f"{LEVEL_LETTERS[level]}-{uuid.uuid4().hex}"


def record_level(record_id: str) -> str | None:
    """The level a framework, evaluation or satisfaction-vote id names, or None if malformed."""
    if not isinstance(record_id, str) or not re.fullmatch(RECORD_ID_PATTERN, record_id):
        return None
    return level_of_tracking_code(record_id)


MAX_PLACES = 6
NUMBER_REFUSED = (
    f"应为 -1000 到 1000 之间、至多 {MAX_PLACES} 位小数的数 "
    f"(a number within ±1000, at most {MAX_PLACES} decimal places)"
)


def _plain(value: Decimal) -> bool:
    """Bounded and with few places: "1e999999" or "1e-999999" would be a huge exact fraction."""
    if not abs(value) <= 1000:
        return False
    exponent = value.normalize().as_tuple().exponent  # "1.50" has the places of "1.5"
    return isinstance(exponent, int) and exponent >= -MAX_PLACES


def _number(**kwargs: Any) -> fields.Decimal:
    """A decimal from a JSON number or string ("12.5"); NaN and infinities refused."""
    options: dict[str, Any] = {"required": True, **kwargs}
    return fields.Decimal(
        as_string=True,
        allow_nan=False,
        validate=_PlainNumber(),
        **options,
    )


class _PlainNumber(validate.Validator):
    error = NUMBER_REFUSED

    def __call__(self, value: Decimal) -> Decimal:
        if not _plain(value):
            raise ValidationError(self.error)
        return value


class EvaluationRpc:
    """The RPC methods of this part (gathered by contracts.supervision.SupervisionRpc)."""

    get_framework_template = "get_framework_template"
    create_framework = "create_framework"
    revise_framework = "revise_framework"
    list_frameworks = "list_frameworks"
    get_framework = "get_framework"
    record_evaluation = "record_evaluation"
    list_evaluations = "list_evaluations"
    get_evaluation = "get_evaluation"
    evaluation_report = "evaluation_report"
    request_satisfaction_vote = "request_satisfaction_vote"
    list_satisfaction_votes = "list_satisfaction_votes"
    get_satisfaction_vote = "get_satisfaction_vote"
    get_year_end_report = "get_year_end_report"
    export_year_end_report = "export_year_end_report"


# ---- frameworks -------------------------------------------------------------------------------
class LeafIndicator(StrictSchema):
    """A level-3 indicator (三级指标): always scored. Levels 1 and 2 below add `children`; a
    node without children is scored at any level. Three explicit levels, not a recursive
    schema: the depth limit is the schema's, and OpenAPI stays finite."""

    key = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.-]{1,40}$"))
    name = text(1, 100, required=True)
    weight = _number()
    content = text(0, 1000, load_default="")  # 指标内容
    standard = text(0, 2000, load_default="")  # 评分标准
    target = text(0, 200, allow_none=True, load_default=None)  # 目标值
    unit = text(0, 20, allow_none=True, load_default=None)
    children = fields.List(
        fields.Dict(),
        load_default=list,
        validate=validate.Length(max=0, error="三级指标不能再有下级 (level 3 is the last level)"),
    )


def _children(schema: type) -> fields.List:
    return fields.List(fields.Nested(schema), load_default=list, validate=validate.Length(max=50))


class LevelTwoIndicator(LeafIndicator):
    """二级指标."""

    children = _children(LeafIndicator)


class Indicator(LeafIndicator):
    """一级指标 (决策 / 过程 / 产出 / 效益 in the default)."""

    children = _children(LevelTwoIndicator)


class GradeBand(StrictSchema):
    """A grade from `min` (inclusive, on the 0–100 scale) up to the next band's min."""

    grade = text(1, 10, required=True)
    min = _number()


class FrameworkIn(StrictSchema):
    area_code = area_code(required=True)
    name = text(1, 100, required=True)
    scope = one_of(SCOPES, required=True)
    weight_unit = one_of(WEIGHT_UNITS, load_default="points")
    indicators = fields.List(
        fields.Nested(Indicator), required=True, validate=validate.Length(min=1, max=20)
    )
    grade_bands = fields.List(
        fields.Nested(GradeBand), required=True, validate=validate.Length(min=1, max=10)
    )


class FrameworkRevision(StrictSchema):
    reason = text(1, 500, required=True)
    name = text(1, 100, load_default=None)
    weight_unit = one_of(WEIGHT_UNITS, load_default=None)
    indicators = fields.List(
        fields.Nested(Indicator), required=True, validate=validate.Length(min=1, max=20)
    )
    grade_bands = fields.List(
        fields.Nested(GradeBand), required=True, validate=validate.Length(min=1, max=10)
    )


class FrameworksQuery(StrictSchema):
    area_code = area_code(required=True)


class FrameworkQuery(StrictSchema):
    version = bounded_int(1, 10_000, load_default=None)


class FrameworkVersionOut(StrictSchema):
    version = fields.Integer(required=True)
    reason = fields.String(allow_none=True, required=True)
    created_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)


class Framework(StrictSchema):
    id = fields.String(required=True)
    area_code = fields.String(required=True)
    name = fields.String(required=True)
    scope = fields.String(required=True)
    weight_unit = fields.String(required=True)
    version = fields.Integer(required=True)  # the version shown
    latest_version = fields.Integer(required=True)
    editable_default = fields.Boolean(required=True)  # started from the default template
    indicators = fields.List(fields.Dict(), required=True)
    grade_bands = fields.List(fields.Dict(), required=True)
    leaves = fields.Integer(required=True)
    versions = fields.List(fields.Nested(FrameworkVersionOut), required=True)


class FrameworkList(StrictSchema):
    items = fields.List(fields.Nested(Framework), required=True)


class FrameworkTemplate(StrictSchema):
    """The default template: an editable starting point, NOT the Ministry's official figures."""

    editable_default = fields.Boolean(required=True)
    notice = fields.String(required=True)
    source = fields.String(required=True)
    name = fields.String(required=True)
    scope = fields.String(required=True)
    weight_unit = fields.String(required=True)
    indicators = fields.List(fields.Dict(), required=True)
    grade_bands = fields.List(fields.Dict(), required=True)


# ---- evaluations ------------------------------------------------------------------------------
class EvaluationIn(StrictSchema):
    framework_id = fields.String(required=True, validate=validate.Regexp(RECORD_ID_PATTERN))
    framework_version = bounded_int(1, 10_000, required=True)
    kind = one_of(EVALUATION_KINDS, required=True)
    project_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(34))
    fund = text(1, 100, allow_none=True, load_default=None)  # a special fund's name
    area_code = area_code(allow_none=True, load_default=None)  # with `fund`
    year = bounded_int(2018, 2100, required=True)
    scores = fields.Dict(
        keys=fields.String(validate=validate.Length(1, 40)),
        values=_number(),
        required=True,
        validate=validate.Length(min=1, max=MAX_INDICATORS),
    )
    remarks = text(0, 4000, load_default="")
    attachments = fields.List(
        fields.Nested(AttachmentIn), load_default=list, validate=validate.Length(max=20)
    )


class EvaluationsQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, load_default=None)
    kind = one_of(EVALUATION_KINDS, load_default=None)


class Evaluation(StrictSchema):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    framework_id = fields.String(required=True)
    framework_version = fields.Integer(required=True)
    framework_name = fields.String(required=True)
    project_id = fields.String(allow_none=True, required=True)
    project_title = fields.String(allow_none=True, required=True)
    fund = fields.String(allow_none=True, required=True)
    area_code = fields.String(required=True)
    year = fields.Integer(required=True)
    scores = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    total = fields.String(required=True)  # one decimal, half up: "87.5"
    total_exact = fields.String(required=True)  # the exact fraction: "175/2"
    grade = fields.String(required=True)
    remarks = fields.String(required=True)
    attachments = fields.List(fields.Dict(), required=True)
    recorded_by = fields.String(required=True)
    recorded_at = fields.AwareDateTime(required=True)


class EvaluationList(StrictSchema):
    items = fields.List(fields.Nested(Evaluation), required=True)


# ---- satisfaction vote ------------------------------------------------------------------------
class SatisfactionRule(StrictSchema):
    """满意 when 满意 votes exceed `satisfied_above` of those voting (the valid ballots);
    基本满意 when 满意 + 基本满意 exceed `basically_above`; else 不满意."""

    satisfied_above = _number(required=False, load_default="0.5")
    basically_above = _number(required=False, load_default="0.5")


class SatisfactionVoteIn(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, required=True)
    title = text(1, 200, required=True)
    project_ids = fields.List(
        fields.String(validate=validate.Length(34)),
        load_default=None,
        validate=validate.Length(min=1, max=500),
    )
    rule = fields.Nested(SatisfactionRule, load_default=None)


class SatisfactionVotesQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, load_default=None)


class SatisfactionVote(StrictSchema):
    id = fields.String(required=True)
    area_code = fields.String(required=True)
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    session_id = fields.String(required=True)  # voting's session (contracts.voting)
    state = fields.String(required=True)  # requested / completed / void
    rule = fields.Dict(required=True)
    projects = fields.List(fields.Dict(), required=True)  # with the latest pre-evaluation
    ballots = fields.Dict(allow_none=True, required=True)
    digest = fields.String(allow_none=True, required=True)
    results = fields.List(fields.Dict(), required=True)  # counts and grade per project
    requested_by = fields.String(required=True)
    requested_at = fields.AwareDateTime(required=True)
    completed_at = fields.AwareDateTime(allow_none=True, required=True)


class SatisfactionVoteList(StrictSchema):
    items = fields.List(fields.Nested(SatisfactionVote), required=True)


# ---- year-end report --------------------------------------------------------------------------
class YearEndQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, required=True)


class YearEndReport(StrictSchema):
    area_code = fields.String(required=True)
    area_name = fields.String(required=True)
    year = fields.Integer(required=True)
    generated_at = fields.AwareDateTime(required=True)
    completion = fields.Dict(required=True)
    funds = fields.Dict(required=True)
    findings = fields.Dict(required=True)
    evaluations = fields.Dict(required=True)
    satisfaction = fields.Dict(required=True)
    projects = fields.List(fields.Dict(), required=True)  # the project list (项目清单)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
