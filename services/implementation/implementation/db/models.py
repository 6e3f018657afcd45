"""Implementation's tables: projects, their plan versions and their scheduling reports.

A plan is never edited: each PUT writes the next version with who and why, and the project row
points at the current one. Exact values (weights, shares, progress) are stored as fraction
text ("3/8") so a roll-up read back is the roll-up computed.
"""

from datetime import date, datetime

from servicekit.db import UtcDateTime
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from . import Base


class Project(Base):
    """民生实事项目: one elected candidate of one session."""

    __tablename__ = "projects"
    __table_args__ = (
        UniqueConstraint("session_id", "proposal_id"),
        UniqueConstraint("mof_div_code", "year", "pro_code"),  # one project per finance key
    )

    id: Mapped[str] = mapped_column(String(34), primary_key=True)  # contracts.project_id_for
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    area_path: Mapped[str] = mapped_column(String(80), index=True)  # subtree lists by prefix
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    estimated_cost_fen: Mapped[int | None] = mapped_column(BigInteger)
    suggested_department: Mapped[str | None] = mapped_column(String(100))  # from the list
    proposal_id: Mapped[str] = mapped_column(String(36), index=True)
    session_id: Mapped[str] = mapped_column(String(34))
    candidate_list_id: Mapped[str] = mapped_column(String(36))
    results_digest: Mapped[str] = mapped_column(String(64))
    announced_at: Mapped[datetime] = mapped_column(UtcDateTime())
    approve: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    plan_version: Mapped[int] = mapped_column(Integer, default=0)  # 0: no plan yet
    deadline: Mapped[date | None] = mapped_column(Date)
    lead_department: Mapped[str | None] = mapped_column(String(100))
    # The latest milestone shares as {"key": "1/2"} (JSON): a report names the ones it moved.
    shares: Mapped[str] = mapped_column(Text, default="{}")
    actual: Mapped[str] = mapped_column(String(40), default="0")
    planned: Mapped[str | None] = mapped_column(String(40))
    standing: Mapped[str | None] = mapped_column(String(10))
    as_of: Mapped[date | None] = mapped_column(Date)
    lagging_streak: Mapped[int] = mapped_column(Integer, default=0)
    flagged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    carried_over_to: Mapped[int | None] = mapped_column(Integer)
    carry_reason: Mapped[str | None] = mapped_column(String(500))
    completed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Funds: the current budget version (0: none yet) and the key finance systems use,
    # (mof_div_code, fiscal year = the project's year, pro_code), set with the budget.
    budget_version: Mapped[int] = mapped_column(Integer, default=0)
    mof_div_code: Mapped[str | None] = mapped_column(String(12))  # 财政区划代码
    pro_code: Mapped[str | None] = mapped_column(String(40))  # 项目代码


class PlanVersion(Base):
    """任务分解方案, one version: the whole plan as JSON, with who changed it and why."""

    __tablename__ = "plan_versions"

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(500))
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Report(Base):
    """调度报告: one project's report for one period of one cadence (weekly, monthly, quarterly)."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("project_id", "cadence", "period"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    cadence: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(10))
    as_of: Mapped[date] = mapped_column(Date)
    plan_version: Mapped[int] = mapped_column(Integer)
    shares: Mapped[str] = mapped_column(Text)  # what this report said, {"key": "1/2"}
    actual: Mapped[str] = mapped_column(String(40))
    planned: Mapped[str] = mapped_column(String(40))
    standing: Mapped[str] = mapped_column(String(10))
    flagged_now: Mapped[bool] = mapped_column(Boolean, default=False)
    narrative: Mapped[str] = mapped_column(Text)
    problems_met: Mapped[str] = mapped_column(Text)  # JSON list
    attachments: Mapped[str] = mapped_column(Text)  # JSON list of metadata
    reported_by: Mapped[str] = mapped_column(String(64))
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AreaSetting(Base):
    """An area's parameters of judgement: the tolerance of 序时进度 and when lagging flags."""

    __tablename__ = "area_settings"

    area_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    tolerance_points: Mapped[int] = mapped_column(Integer, default=10)
    flag_after_lagging: Mapped[int] = mapped_column(Integer, default=3)
    # 销号 only at this resident satisfaction ("9/10"); null: no threshold (the default).
    close_threshold: Mapped[str | None] = mapped_column(String(20))
    # {"weekly": 1, "monthly": 3, "quarterly": 5}: working days after a period's end a report
    # is due; [["friendly_reminder", 0], …]: working days overdue before each reminder step.
    due_working_days: Mapped[str | None] = mapped_column(Text)
    reminder_steps: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Problem(Base):
    """问题清单, one item: what is wrong on a project, who fixes it how and by when."""

    __tablename__ = "problems"
    __table_args__ = (UniqueConstraint("source", "source_ref"),)  # one per rectification request

    id: Mapped[str] = mapped_column(String(34), primary_key=True)  # level letter + uuid hex
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    responsible_unit: Mapped[str] = mapped_column(String(100))
    responsible_person: Mapped[str] = mapped_column(String(50))
    measure: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(String(20))
    source_ref: Mapped[str | None] = mapped_column(String(64))  # rectification request id
    state: Mapped[str] = mapped_column(String(12), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ProblemStep(Base):
    """Every transition of a problem, append-only: who did what, when, with what note."""

    __tablename__ = "problem_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    problem_id: Mapped[str] = mapped_column(ForeignKey("problems.id"), index=True)
    action: Mapped[str] = mapped_column(String(12))
    state: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class Reminder(Base):
    """One reminder step sent for an overdue item (a problem, or a report not filed): recorded
    once, so a job that runs again, or late, sends nothing twice and skips no step."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("kind", "target", "step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))  # "problem" or "report"
    target: Mapped[str] = mapped_column(String(80))  # problem id, or "<project>/<cadence>/<period>"
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    level: Mapped[str] = mapped_column(String(10))
    step: Mapped[str] = mapped_column(String(20))
    due_date: Mapped[date] = mapped_column(Date)
    overdue_working_days: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Meeting(Base):
    """调度会: the lead department's weekly, the lead leader's monthly, the leading group's
    quarterly scheduling meeting."""

    __tablename__ = "meetings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    level: Mapped[str] = mapped_column(String(10))
    cadence: Mapped[str] = mapped_column(String(10))
    held_on: Mapped[date] = mapped_column(Date)
    chair: Mapped[str] = mapped_column(String(50))
    attendees: Mapped[str] = mapped_column(Text)  # JSON list
    project_ids: Mapped[str] = mapped_column(Text)  # JSON list
    decisions: Mapped[str] = mapped_column(Text)  # JSON list
    problem_ids: Mapped[str] = mapped_column(Text)  # JSON list, assigned at the meeting
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AcceptanceRecord(Base):
    """验收: every acceptance of a project (a failed one is followed by another)."""

    __tablename__ = "acceptances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    accepted_on: Mapped[date] = mapped_column(Date)
    accepting_body: Mapped[str] = mapped_column(String(200))
    result: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text)
    documents: Mapped[str] = mapped_column(Text)  # JSON list of metadata
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BudgetVersion(Base):
    """调整预算: every budget of a project, per fund source in fen; never edited."""

    __tablename__ = "budget_versions"

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    amounts: Mapped[str] = mapped_column(Text)  # {"own_fiscal": 120000000, …} (JSON)
    total_fen: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(500))
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FundPool(Base):
    """专项资金池: a special fund source's allocation to an area for a year (the city's subsidy
    for townships, a banner's allocation per township or street); projects of the area and
    below draw on the nearest pool of their source."""

    __tablename__ = "fund_pools"
    __table_args__ = (UniqueConstraint("area_code", "year", "source"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(30))
    allocated_fen: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(String(500))
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PoolDraw(Base):
    """What a project's current budget takes from a pool (its special-source amount)."""

    __tablename__ = "pool_draws"

    pool_id: Mapped[str] = mapped_column(ForeignKey("fund_pools.id"), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)


class FundFlow(Base):
    """拨付 (a disbursement to the project) or 支付 (a payment out of it): append-only."""

    __tablename__ = "fund_flows"
    __table_args__ = (UniqueConstraint("project_id", "kind", "voucher_no"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # "disbursement" or "payment"
    source: Mapped[str] = mapped_column(String(30))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    flow_date: Mapped[date] = mapped_column(Date)
    voucher_no: Mapped[str] = mapped_column(String(40))  # 凭证号
    payee: Mapped[str] = mapped_column(String(200))  # a unit, never a resident
    note: Mapped[str] = mapped_column(String(500))
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class WarningRuleVersion(Base):
    """One version of a warning rule (domain.warning_rules): the latest active one applies."""

    __tablename__ = "warning_rules"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    params: Mapped[str] = mapped_column(Text)  # JSON
    title: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(500))
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FundWarning(Base):
    """资金预警: one warning while it lasts (raised, seen again, resolved), with the version of
    the rule that raised it."""

    __tablename__ = "fund_warnings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    rule_code: Mapped[str] = mapped_column(String(40))
    rule_version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    severity: Mapped[str] = mapped_column(String(10))
    scope: Mapped[str] = mapped_column(String(30))  # "total", a source, or a direction
    message: Mapped[str] = mapped_column(Text)
    figures: Mapped[str] = mapped_column(Text)  # JSON: fen as ints, ratios as "p/q"
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime())
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    # "project|rule|scope" while open, NULL once resolved: two evaluations racing cannot open
    # the same warning twice (NULLs never collide, on PostgreSQL and SQLite alike).
    open_key: Mapped[str | None] = mapped_column(String(120), unique=True)


class FeedRecord(Base):
    """A record for the budget online supervision system (预算联网监督系统), written in the
    transaction of the change it reports; the feed pushes it until the receiver takes it."""

    __tablename__ = "feed_records"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the receiver dedups on it
    kind: Mapped[str] = mapped_column(String(20))  # budget, disbursement, payment, warning
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    body: Mapped[str] = mapped_column(Text)  # the JSON pushed, keyed by the finance key
    state: Mapped[str] = mapped_column(String(10), index=True)  # pending, delivered, dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class TreasuryImport(Base):
    """国库集中支付 records imported from a file: all rows or none; the digest (of area, year,
    format and content) makes a re-run of the same file answer the first import."""

    __tablename__ = "treasury_imports"

    id: Mapped[str] = mapped_column(String(34), primary_key=True)  # level letter + uuid hex
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)  # every row's fiscal year
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    file_format: Mapped[str] = mapped_column(String(4))
    rows: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)  # rows whose payment id was new
    imported_by: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TreasuryPayment(Base):
    """One treasury payment; its payment id (支付流水号) is unique, so overlapping files add
    each payment once."""

    __tablename__ = "treasury_payments"
    __table_args__ = (Index("ix_treasury_payments_year_division", "fiscal_year", "mof_div_code"),)

    payment_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    import_id: Mapped[str] = mapped_column(ForeignKey("treasury_imports.id"), index=True)
    mof_div_code: Mapped[str] = mapped_column(String(12))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    pro_code: Mapped[str] = mapped_column(String(40))
    voucher_no: Mapped[str] = mapped_column(String(40))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date] = mapped_column(Date)
    payee: Mapped[str] = mapped_column(String(200))


class ReconciliationRun(Base):
    """对账报告: treasury payments against our disbursements for an area and year, as it was."""

    __tablename__ = "reconciliations"

    id: Mapped[str] = mapped_column(String(34), primary_key=True)  # level letter + uuid hex
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    import_id: Mapped[str | None] = mapped_column(ForeignKey("treasury_imports.id"), index=True)
    summary: Mapped[str] = mapped_column(Text)  # JSON
    body: Mapped[str] = mapped_column(Text)  # JSON: the lists, record by record
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
