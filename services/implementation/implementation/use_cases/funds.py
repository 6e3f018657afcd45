"""A project's money: its adjusted budget by fund source (versioned), its draws on special fund
pools, its disbursements (拨付) and payments (支付). Each change is checked by the domain
(`domain.funds`, refusals carry the figures), writes a feed record, and re-evaluates the
project's warnings in the same transaction.
"""

import uuid
from datetime import datetime
from typing import Any

from contracts import funds as contract
from contracts.events import FUNDS_DISBURSED
from servicekit import idempotency
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.db import commit_or_conflict
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import funds as db
from ..db.models import BudgetVersion, FundFlow, Project
from ..domain import funds as domain
from ..metrics import BUDGET_VERSIONS, FUND_FLOWS
from . import feed, fund_warnings, pools
from .common import dumps, load_project, loads, today


def funds_refusal(problem: domain.FundsError) -> Exception:
    return errors.rule(problem.message, {"code": problem.code, **problem.details})


def budget_of(version: BudgetVersion | None) -> domain.Budget:
    return domain.Budget(loads(version.amounts) if version else {})


def funds_summary(session: Session, row: Project) -> dict[str, Any]:
    budget = budget_of(db.budget(session, row))
    sums = db.flow_sums(session, [row.id])[row.id]
    disbursed, paid = sums.get("disbursement", {}), sums.get("payment", {})
    used = [s for s in domain.FUND_SOURCES if budget.of(s) or disbursed.get(s) or paid.get(s)]
    total_disbursed = sum(disbursed.values())
    return {
        "budget_version": row.budget_version,
        "pro_code": row.pro_code,
        "mof_div_code": row.mof_div_code,
        "budget_fen": budget.total,
        "disbursed_fen": total_disbursed,
        "paid_fen": sum(paid.values()),
        "spend_percent": (
            fund_warnings.one_decimal(total_disbursed, budget.total) if budget.total else None
        ),
        "by_source": [
            {
                "source": s,
                "source_name": domain.source_name(s),
                "budget_fen": budget.of(s),
                "disbursed_fen": disbursed.get(s, 0),
                "paid_fen": paid.get(s, 0),
            }
            for s in used
        ],
        "open_warnings": db.open_warning_count(session, row.id),
    }


def put_budget(
    session: Session, guard: Guard, project_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    row = load_project(session, guard, project_id, roles.FINANCE, lock=True)
    amounts = {s: data["amounts"][s] for s in domain.FUND_SOURCES if data["amounts"].get(s)}
    try:
        domain.check_budget(data["amounts"])
    except domain.FundsError as problem:
        raise funds_refusal(problem) from None
    mof_div_code = data["mof_div_code"] or row.area_code[:6]
    _claim_key(session, row, mof_div_code, data["pro_code"])
    current = db.budget(session, row)
    old = loads(current.amounts) if current else {}
    if old == amounts and (row.mof_div_code, row.pro_code) == (mof_div_code, data["pro_code"]):
        return get_funds(session, guard, row.id)  # unchanged: no new version
    try:
        pools.draw_on_pools(session, row, amounts)
    except domain.FundsError as problem:
        raise funds_refusal(problem) from None
    version = BudgetVersion(
        project_id=row.id,
        version=row.budget_version + 1,
        amounts=dumps(amounts),
        total_fen=sum(amounts.values()),
        reason=data["reason"],
        changed_by=guard.principal.user_id or "",
        changed_at=now,
    )
    session.add(version)
    row.budget_version, row.mof_div_code, row.pro_code = (
        version.version,
        mof_div_code,
        data["pro_code"],
    )
    session.flush()
    feed.enqueue(
        session,
        row,
        "budget",
        feed.record_id(row.id, "budget", version.version),
        {
            "version": version.version,
            "amounts_fen": amounts,
            "total_fen": version.total_fen,
            "change": domain.describe_budget_change(domain.diff_budget(old, amounts)),
            "reason": version.reason,
        },
        now,
    )
    raised, _ = fund_warnings.evaluate_projects(session, [row], now, today())
    answer = get_funds(session, guard, row.id)

    def counted() -> None:
        BUDGET_VERSIONS.inc(row.level)
        fund_warnings.count_raised(raised)

    commit_or_conflict(
        session, "预算正被他人同时调整，请刷新 (budget changed meanwhile: reload)", then=counted
    )
    return answer


def _claim_key(session: Session, row: Project, mof_div_code: str, pro_code: str) -> None:
    holder = db.project_by_key(session, mof_div_code, row.year, pro_code)
    if holder is not None and holder.id != row.id:
        raise errors.conflict(
            f"项目代码 {pro_code} 已用于本年度另一项目 (pro_code already maps to another project)",
            {"mof_div_code": mof_div_code, "fiscal_year": row.year, "pro_code": pro_code},
        )


def add_fund_flow(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    project_id: str,
    data: dict[str, Any],
    key: str | None,
    now: datetime,
) -> dict[str, Any]:
    row = load_project(session, guard, project_id, roles.FINANCE, lock=True)
    scope = idempotency.scope_of("fund_flow", guard.principal)
    request = idempotency.Request(key, {"project_id": row.id, **data})
    staged: list[Any] = []

    def stage() -> dict[str, Any]:
        flow, raised = _stage_flow(session, outbox, guard, row, data, now)
        staged.extend((flow, raised))
        return dump(contract.FundFlow, flow_view(flow))

    def counted() -> None:
        FUND_FLOWS.inc(row.level, kind=staged[0].kind)
        fund_warnings.count_raised(staged[1])

    return idempotency.create_once(session, scope, request, stage, then=counted)


def _stage_flow(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    row: Project,
    data: dict[str, Any],
    now: datetime,
) -> tuple[FundFlow, list[Any]]:
    if not row.budget_version:
        raise errors.rule("该项目尚未下达预算，请先录入预算 (no budget yet: put the budget first)")
    if data["flow_date"] > today():
        raise errors.invalid("日期不能晚于今天 (flow_date is in the future)", "flow_date")
    if db.flow_by_voucher(session, row.id, data["kind"], data["voucher_no"]) is not None:
        raise errors.conflict(
            f"凭证号 {data['voucher_no']} 已登记 (voucher already recorded)",
            {"voucher_no": data["voucher_no"]},
        )
    _check_flow(session, row, data)
    flow = FundFlow(
        id=str(uuid.uuid4()),
        project_id=row.id,
        recorded_by=guard.principal.user_id or "",
        recorded_at=now,
        **{k: data[k] for k in ("kind", "source", "amount_fen", "flow_date", "voucher_no")},
        payee=data["payee"],
        note=data["note"],
    )
    session.add(flow)
    session.flush()
    totals = funds_summary(session, row)
    outbox.add(
        session,
        FUNDS_DISBURSED,
        _event(row, flow, totals),
        area_code=row.area_code,
        level=row.level,
    )
    feed.enqueue(session, row, flow.kind, flow.id, _feed_data(flow), now)
    raised, _ = fund_warnings.evaluate_projects(session, [row], now, today())
    return flow, raised


def _check_flow(session: Session, row: Project, data: dict[str, Any]) -> None:
    sums = db.flow_sums(session, [row.id])[row.id]
    disbursed = sums.get("disbursement", {})
    source, amount = data["source"], data["amount_fen"]
    try:
        if data["kind"] == "disbursement":
            budget = budget_of(db.budget(session, row))
            domain.check_disbursement(budget, disbursed, source, amount)
        else:
            paid = sums.get("payment", {}).get(source, 0)
            domain.check_payment(disbursed.get(source, 0), paid, amount, source)
    except domain.FundsError as problem:
        raise funds_refusal(problem) from None


def _event(row: Project, flow: FundFlow, totals: dict[str, Any]) -> dict[str, Any]:
    return {
        "flow_id": flow.id,
        "project_id": row.id,
        "area_code": row.area_code,
        "level": row.level,
        "year": row.year,
        "kind": flow.kind,
        "source": flow.source,
        "amount_fen": flow.amount_fen,
        "flow_date": flow.flow_date,
        "voucher_no": flow.voucher_no,
        "budget_fen": totals["budget_fen"],
        "disbursed_fen": totals["disbursed_fen"],
        "paid_fen": totals["paid_fen"],
        "recorded_at": flow.recorded_at,
    }


def _feed_data(flow: FundFlow) -> dict[str, Any]:
    return {
        "flow_id": flow.id,
        "source": flow.source,
        "amount_fen": flow.amount_fen,
        "flow_date": flow.flow_date.isoformat(),
        "voucher_no": flow.voucher_no,
        "payee": flow.payee,
    }


def flow_view(flow: FundFlow) -> dict[str, Any]:
    return {
        "id": flow.id,
        "project_id": flow.project_id,
        "kind": flow.kind,
        "kind_name": contract.FLOW_KIND_NAMES[flow.kind],
        "source": flow.source,
        "source_name": domain.source_name(flow.source),
        "amount_fen": flow.amount_fen,
        "flow_date": flow.flow_date,
        "voucher_no": flow.voucher_no,
        "payee": flow.payee,
        "note": flow.note,
        "recorded_by": flow.recorded_by,
        "recorded_at": as_utc(flow.recorded_at),
    }


def _versions(session: Session, project_id: str) -> list[dict[str, Any]]:
    versions = list(db.budget_versions(session, project_id))  # newest first
    answers = []
    for i, version in enumerate(versions):
        before = loads(versions[i + 1].amounts) if i + 1 < len(versions) else {}
        amounts = loads(version.amounts)
        answers.append(
            {
                "version": version.version,
                "amounts": amounts,
                "total_fen": version.total_fen,
                "change": domain.describe_budget_change(domain.diff_budget(before, amounts)),
                "reason": version.reason,
                "changed_by": version.changed_by,
                "changed_at": as_utc(version.changed_at),
            }
        )
    return answers


def get_funds(session: Session, guard: Guard, project_id: str) -> dict[str, Any]:
    row = load_project(session, guard, project_id, roles.READ)
    titles = {row.id: row.title}
    return dump(
        contract.ProjectFunds,
        {
            "project_id": row.id,
            "summary": funds_summary(session, row),
            "budgets": _versions(session, row.id),
            "flows": [flow_view(f) for f in db.flows(session, row.id)],
            "warnings": [
                fund_warnings.warning_view(w, titles[w.project_id])
                for w in db.open_warnings(session, [row.id])
            ],
            "pool_draws": pools.draws_view(session, row.id),
        },
    )
