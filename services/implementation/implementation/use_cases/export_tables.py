"""The export tables, shaped for officials: Chinese headers, yuan, Beijing time, readable names.
Staff exports: the responsible person of a problem is a staff name, never a resident's."""

from fractions import Fraction
from typing import Any

from contracts import implementation as contract
from servicekit import areas
from servicekit.tables import Table, beijing, yuan
from sqlalchemy.orm import Session

from ..db import funds as funds_db
from ..db import problems as problem_db
from ..db import projects as db
from ..db.models import Project
from ..domain.cadence import CADENCE_NAMES
from ..domain.funds import FUND_SOURCES, source_name
from ..domain.problems import SOURCE_NAMES, STATE_NAMES
from ..domain.progress import STANDING_NAMES, percent
from ..domain.warning_rules import SEVERITY_NAMES
from .common import fraction, loads

PROJECT_HEADERS = (
    "项目编号", "地区", "年度", "项目名称", "类别", "估算金额（元）", "牵头部门", "状态",
    "完成时限", "实际进度（%）", "序时进度（%）", "进度判断", "挂牌督办", "结转年度", "验收日期",
)  # fmt: skip
REPORT_HEADERS = (
    "项目编号", "项目名称", "调度频次", "报送期", "进度日期", "实际进度（%）", "序时进度（%）",
    "进度判断", "进展情况", "存在问题", "报送人", "报送时间（北京时间）",
)  # fmt: skip
PROBLEM_HEADERS = (
    "问题编号", "项目编号", "问题描述", "责任单位", "责任人", "整改措施", "整改期限", "来源",
    "状态",
)  # fmt: skip


def _projects(rows: list[Project]) -> Table:
    return Table(
        "projects",
        contract.EXPORT_TABLE_TITLES["projects"],
        PROJECT_HEADERS,
        [
            (
                r.id, r.area_code, r.year, r.title, r.category, yuan(r.estimated_cost_fen),
                r.lead_department or r.suggested_department,
                contract.PROJECT_STATUS_NAMES[r.status],
                r.deadline.isoformat() if r.deadline else None, percent(fraction(r.actual)),
                percent(fraction(r.planned)) if r.planned else None,
                STANDING_NAMES[r.standing] if r.standing else None, r.flagged_at is not None,
                r.carried_over_to, r.completed_on.isoformat() if r.completed_on else None,
            )
            for r in rows
        ],
    )  # fmt: skip


def _reports(session: Session, rows: list[Project]) -> Table:
    titles = {r.id: r.title for r in rows}
    return Table(
        "reports",
        contract.EXPORT_TABLE_TITLES["reports"],
        REPORT_HEADERS,
        [
            (
                r.project_id, titles[r.project_id], CADENCE_NAMES[r.cadence], r.period,
                r.as_of.isoformat(),
                percent(fraction(r.actual)), percent(fraction(r.planned)),
                STANDING_NAMES[r.standing], r.narrative, "；".join(loads(r.problems_met)),
                r.reported_by, beijing(r.reported_at),
            )
            for r in db.reports_of(session, list(titles))
        ],
    )  # fmt: skip


def _problems(session: Session, place: areas.Area, year: int) -> Table:
    return Table(
        "problems",
        contract.EXPORT_TABLE_TITLES["problems"],
        PROBLEM_HEADERS,
        [
            (
                p.id, p.project_id, p.description, p.responsible_unit, p.responsible_person,
                p.measure, p.due_date.isoformat(), SOURCE_NAMES[p.source], STATE_NAMES[p.state],
            )
            for p in problem_db.problems_of(session, place.path, year)
        ],
    )  # fmt: skip


FUNDS_HEADERS = (
    "项目编号", "项目名称", "财政区划代码", "项目代码", "资金来源", "调整后预算（元）",
    "已拨付（元）", "已支付（元）", "拨付进度（%）",
)  # fmt: skip
WARNING_HEADERS = (
    "预警编号", "项目编号", "项目名称", "预警规则", "规则版本", "预警级别", "预警内容",
    "首次预警（北京时间）", "最近评估（北京时间）",
)  # fmt: skip


def _funds(session: Session, rows: list[Project]) -> Table:
    """One line per project and fund source it has money in."""
    budgets = funds_db.current_budgets(session, [r.id for r in rows])
    sums = funds_db.flow_sums(session, [r.id for r in rows])
    lines = []
    for r in rows:
        amounts = loads(budgets[r.id].amounts) if r.id in budgets else {}
        flows = sums.get(r.id, {})
        disbursed, paid = flows.get("disbursement", {}), flows.get("payment", {})
        for source in (s for s in FUND_SOURCES if s in amounts or s in disbursed):
            allowed = amounts.get(source, 0)
            lines.append((
                r.id, r.title, r.mof_div_code, r.pro_code, source_name(source), yuan(allowed),
                yuan(disbursed.get(source, 0)), yuan(paid.get(source, 0)),
                percent(Fraction(disbursed.get(source, 0), allowed)) if allowed else None,
            ))  # fmt: skip
    return Table("funds", contract.EXPORT_TABLE_TITLES["funds"], FUNDS_HEADERS, lines)


def _warnings(session: Session, rows: list[Project]) -> Table:
    titles = {r.id: r.title for r in rows}
    return Table(
        "warnings",
        contract.EXPORT_TABLE_TITLES["warnings"],
        WARNING_HEADERS,
        [
            (
                w.id, w.project_id, titles[w.project_id], w.rule_code, w.rule_version,
                SEVERITY_NAMES[w.severity], w.message, beijing(w.raised_at), beijing(w.seen_at),
            )
            for w in funds_db.open_warnings(session, list(titles))
        ],
    )  # fmt: skip


def table(session: Session, name: str, rows: list[Project], place: areas.Area, year: int) -> Any:
    if name == "projects":
        return _projects(rows)
    if name == "reports":
        return _reports(session, rows)
    if name == "funds":
        return _funds(session, rows)
    if name == "warnings":
        return _warnings(session, rows)
    return _problems(session, place, year)
