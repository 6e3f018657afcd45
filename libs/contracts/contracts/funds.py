"""Stage 3 (政府办): project money — budgets by fund source, special fund pools, disbursements
and payments, fund warnings, the feed to the budget online supervision system, treasury imports
and their reconciliation — the implementation service's schemas for them (method names in
`FundsRpc`, served by the implementation service).

Money is integer fen (分) everywhere; ratios are exact fraction text ("2/5"). Finance systems
key project money by (mof_div_code, fiscal_year, pro_code): a project gets its pro_code with its
budget. A reconciliation id and a treasury import id start with their level's letter, as a
project id does, so a lookup goes to the right level's workers.
"""

import re

from marshmallow import fields, validate

from .fields import StrictSchema, Whole, area_code, bounded_int, one_of, text
from .reference import LEVELS, level_of_tracking_code

# The order and the names the domain uses (implementation.domain.funds: a contract test keeps
# the two equal, the domain being standard library only).
FUND_SOURCES = (
    "own_fiscal",
    "higher_project",
    "city_township_subsidy",
    "banner_special",
    "bundled_higher",
    "enterprise",
    "social",
)
SPECIAL_SOURCES = ("city_township_subsidy", "banner_special")  # drawn from 专项资金池
FLOW_KINDS = ("disbursement", "payment")  # 拨付 · 支付
FLOW_KIND_NAMES = {"disbursement": "拨付", "payment": "支付"}
WARNING_KINDS = ("over_budget", "disbursement_lag", "progress_spend_gap")
WARNING_STATES = ("open", "resolved")
SEVERITIES = ("red", "yellow")
FEED_STATES = ("pending", "delivered", "dead")
FEED_KINDS = ("budget", "disbursement", "payment", "warning")
FEED_STATE_NAMES = {"pending": "待推送", "delivered": "已送达", "dead": "推送失败"}
IMPORT_FORMATS = ("csv", "json")
MAX_FEN = 5_000_000_000_00
MAX_IMPORT_BYTES = 5 * 1024 * 1024
LEVELED_ID_PATTERN = r"^[CBT]-[0-9a-f]{32}$"
MOF_DIV_CODE = r"\d{6}(?:\d{3})?"  # 财政区划代码: the county's six digits, or nine
PRO_CODE = r"[0-9A-Za-z][0-9A-Za-z_-]{0,39}"  # 项目代码 as the finance system gives it
VOUCHER = r"[0-9A-Za-z][0-9A-Za-z_/-]{0,39}"
RULE_CODE = r"[a-z][a-z0-9_]{0,39}"


def leveled_id_level(value: str) -> str | None:
    """The level of a reconciliation or treasury import id ("B-…"), None if malformed."""
    if not isinstance(value, str) or not re.fullmatch(LEVELED_ID_PATTERN, value):
        return None
    return level_of_tracking_code(value)


class FundsRpc:
    """The implementation service's RPC methods for money."""

    put_budget = "put_budget"
    get_funds = "get_funds"
    add_fund_flow = "add_fund_flow"
    put_fund_pool = "put_fund_pool"
    list_fund_pools = "list_fund_pools"
    list_warnings = "list_warnings"
    evaluate_warnings = "evaluate_warnings"
    put_warning_rule = "put_warning_rule"
    list_warning_rules = "list_warning_rules"
    # Treasury reconciliation and open data (answers: contracts.treasury).
    import_treasury_payments = "import_treasury_payments"
    reconcile_treasury = "reconcile_treasury"
    get_reconciliation = "get_reconciliation"
    export_reconciliation = "export_reconciliation"
    export_fiscal_data = "export_fiscal_data"
    list_feed_records = "list_feed_records"
    retry_feed_record = "retry_feed_record"


def fen(**kwargs: object) -> fields.Integer:
    return bounded_int(0, MAX_FEN, **kwargs)  # type: ignore[arg-type]


# ---- requests ------------------------------------------------------------------------------
class BudgetIn(StrictSchema):
    """调整预算: the whole adjusted budget by source (a source left out is 0), and why."""

    amounts = fields.Dict(
        keys=fields.String(validate=validate.OneOf(FUND_SOURCES)),
        values=fields.Integer(strict=True, validate=validate.Range(0, MAX_FEN)),
        required=True,
        validate=validate.Length(min=1, max=len(FUND_SOURCES)),
    )
    pro_code = fields.String(
        required=True, validate=Whole(PRO_CODE, error="项目代码格式不正确 (pro_code)")
    )
    # The county's code by default: the first six digits of the project's area.
    mof_div_code = fields.String(
        load_default=None,
        allow_none=True,
        validate=Whole(MOF_DIV_CODE, error="财政区划代码应为 6 或 9 位数字 (mof_div_code)"),
    )
    reason = text(1, 500, required=True)


class FundFlowIn(StrictSchema):
    """拨付 or 支付: date, amount, source, voucher number, payee (a unit, not a person)."""

    kind = one_of(FLOW_KINDS, load_default="disbursement")
    source = one_of(FUND_SOURCES, required=True)
    amount_fen = bounded_int(1, MAX_FEN, required=True)
    flow_date = fields.Date(required=True)
    voucher_no = fields.String(
        required=True, validate=Whole(VOUCHER, error="凭证号格式不正确 (voucher_no)")
    )
    payee = text(1, 200, required=True)
    note = text(0, 500, load_default="")


class FundPoolIn(StrictSchema):
    """专项资金池: a special source's allocation to an area for a year."""

    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, required=True)
    source = one_of(SPECIAL_SOURCES, required=True)
    allocated_fen = fen(required=True)
    note = text(0, 500, load_default="")


class PoolsQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, required=True)


class WarningsQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, load_default=None, allow_none=True)
    state = one_of(WARNING_STATES, load_default="open")
    kind = one_of(WARNING_KINDS, load_default=None, allow_none=True)
    project_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=34))
    page = bounded_int(1, 10_000, load_default=1)
    page_size = bounded_int(1, 200, load_default=50)


class EvaluateIn(StrictSchema):
    area_code = area_code(required=True)


class WarningRuleIn(StrictSchema):
    """A new version of a warning rule (the params per kind: implementation.domain.warnings)."""

    kind = one_of(WARNING_KINDS, required=True)
    params = fields.Dict(keys=fields.String(), required=True)
    title = text(1, 100, required=True)
    active = fields.Boolean(load_default=True)
    reason = text(1, 500, required=True)


class FeedQuery(StrictSchema):
    area_code = area_code(required=True)
    state = one_of(FEED_STATES, load_default=None, allow_none=True)
    page = bounded_int(1, 10_000, load_default=1)
    page_size = bounded_int(1, 200, load_default=50)


class TreasuryImportIn(StrictSchema):
    """国库集中支付 records as a file's text (formats: README, "Treasury import")."""

    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, required=True)
    format = one_of(IMPORT_FORMATS, required=True)
    content = fields.String(required=True, validate=validate.Length(min=1, max=MAX_IMPORT_BYTES))


class FiscalDataQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, required=True)


# ---- answers -------------------------------------------------------------------------------
class SourceLine(StrictSchema):
    source = one_of(FUND_SOURCES, required=True)
    source_name = fields.String(required=True)
    budget_fen = fields.Integer(required=True)
    disbursed_fen = fields.Integer(required=True)
    paid_fen = fields.Integer(required=True)


class FundsSummary(StrictSchema):
    """A project's money in one glance (also inside the project detail)."""

    budget_version = fields.Integer(required=True)  # 0: no budget yet
    pro_code = fields.String(allow_none=True, required=True)
    mof_div_code = fields.String(allow_none=True, required=True)
    budget_fen = fields.Integer(required=True)
    disbursed_fen = fields.Integer(required=True)
    paid_fen = fields.Integer(required=True)
    spend_percent = fields.String(allow_none=True, required=True)  # disbursed / budget
    by_source = fields.List(fields.Nested(SourceLine), required=True)
    open_warnings = fields.Integer(required=True)


class BudgetVersion(StrictSchema):
    version = fields.Integer(required=True)
    amounts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    total_fen = fields.Integer(required=True)
    change = fields.String(required=True)  # "旗区专项 +100.00 万元；本级财政 -50.00 万元"
    reason = fields.String(required=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


class FundFlow(StrictSchema):
    id = fields.String(required=True)
    project_id = fields.String(required=True)
    kind = one_of(FLOW_KINDS, required=True)
    kind_name = fields.String(required=True)
    source = one_of(FUND_SOURCES, required=True)
    source_name = fields.String(required=True)
    amount_fen = fields.Integer(required=True)
    flow_date = fields.Date(required=True)
    voucher_no = fields.String(required=True)
    payee = fields.String(required=True)
    note = fields.String(required=True)
    recorded_by = fields.String(required=True)
    recorded_at = fields.AwareDateTime(required=True)


class Warning(StrictSchema):
    id = fields.Integer(required=True)
    project_id = fields.String(required=True)
    project_title = fields.String(required=True)
    area_code = fields.String(required=True)
    year = fields.Integer(required=True)
    rule_code = fields.String(required=True)
    rule_version = fields.Integer(required=True)
    kind = one_of(WARNING_KINDS, required=True)
    severity = one_of(SEVERITIES, required=True)
    severity_name = fields.String(required=True)
    scope = fields.String(required=True)
    message = fields.String(required=True)
    figures = fields.Dict(keys=fields.String(), required=True)
    raised_at = fields.AwareDateTime(required=True)
    seen_at = fields.AwareDateTime(required=True)
    resolved_at = fields.AwareDateTime(allow_none=True, required=True)


class WarningPage(StrictSchema):
    items = fields.List(fields.Nested(Warning), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


class ProjectFunds(StrictSchema):
    project_id = fields.String(required=True)
    summary = fields.Nested(FundsSummary, required=True)
    budgets = fields.List(fields.Nested(BudgetVersion), required=True)
    flows = fields.List(fields.Nested(FundFlow), required=True)
    warnings = fields.List(fields.Nested(Warning), required=True)
    pool_draws = fields.List(fields.Dict(), required=True)


class FundPool(StrictSchema):
    id = fields.String(required=True)
    area_code = fields.String(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    source = one_of(SPECIAL_SOURCES, required=True)
    source_name = fields.String(required=True)
    allocated_fen = fields.Integer(required=True)
    committed_fen = fields.Integer(required=True)
    remaining_fen = fields.Integer(required=True)
    projects = fields.Integer(required=True)  # drawing on it
    note = fields.String(required=True)
    updated_by = fields.String(required=True)
    updated_at = fields.AwareDateTime(required=True)


class FundPools(StrictSchema):
    area_code = fields.String(required=True)
    year = fields.Integer(required=True)
    pools = fields.List(fields.Nested(FundPool), required=True)
    # The special sources' share of all budgets of the area's projects that year (≈ 35%).
    budget_fen = fields.Integer(required=True)
    special_fen = fields.Integer(required=True)
    special_share = fields.String(allow_none=True, required=True)  # exact, "7/20"
    special_percent = fields.String(allow_none=True, required=True)  # "35.0"


class WarningRule(StrictSchema):
    code = fields.String(required=True)
    version = fields.Integer(required=True)
    kind = one_of(WARNING_KINDS, required=True)
    params = fields.Dict(keys=fields.String(), required=True)
    title = fields.String(required=True)
    active = fields.Boolean(required=True)
    reason = fields.String(required=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(allow_none=True, required=True)  # None: the built-in one


class WarningRules(StrictSchema):
    rules = fields.List(fields.Nested(WarningRule), required=True)  # every version, newest first


class EvaluationResult(StrictSchema):
    area_code = fields.String(required=True)
    projects = fields.Integer(required=True)
    raised = fields.Integer(required=True)
    resolved = fields.Integer(required=True)
    open = fields.Integer(required=True)
    seconds = fields.Float(required=True)


class FeedRecord(StrictSchema):
    """One record of the feed to the budget online supervision system and its delivery."""

    id = fields.String(required=True)  # the record id the receiver deduplicates on
    kind = one_of(FEED_KINDS, required=True)
    project_id = fields.String(required=True)
    project_title = fields.String(required=True)
    area_code = fields.String(required=True)
    state = one_of(FEED_STATES, required=True)
    state_name = fields.String(required=True)
    attempts = fields.Integer(required=True)
    next_attempt_at = fields.AwareDateTime(allow_none=True, required=True)  # pending only
    last_error = fields.String(allow_none=True, required=True)  # the last failed attempt's
    created_at = fields.AwareDateTime(required=True)
    delivered_at = fields.AwareDateTime(allow_none=True, required=True)
    body = fields.Dict(keys=fields.String(), required=True)  # what is pushed, as pushed


class FeedStatus(StrictSchema):
    enabled = fields.Boolean(required=True)  # False: BUDGET_FEED_URL unset, records wait
    endpoint = fields.String(allow_none=True, required=True)  # scheme, host and path only
    max_attempts = fields.Integer(required=True)
    note = fields.String(required=True)


class FeedPage(StrictSchema):
    items = fields.List(fields.Nested(FeedRecord), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)  # by state
    feed = fields.Nested(FeedStatus, required=True)


RULE_CODE_FIELD = Whole(RULE_CODE, error="规则编码为小写字母、数字、下划线 (rule code)")
