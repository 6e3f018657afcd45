"""国库集中支付: a file of the treasury's payments imported all or nothing, then reconciled (对账)
against our disbursements of the area and year.

Scope: finance staff import for their area. A row belongs to the area when its mof_div_code is
an area code within it (a banner's 150622 and its townships' nine digits), or when its finance
key (mof_div_code, year, pro_code) is one of the area's projects (a township's project carries
its county's six digits by default); any other row is refused, so a township never stores, nor
sees in its report, another township's payments. The reconciliation takes the same scope.

Idempotent twice over: the same file (area, year, format, content) answers its first import
and writes nothing; a payment id already stored adds nothing, and one stored with other content
is a row error, since the treasury never changes a payment (a correction is a reversal, 冲销).
"""

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from contracts import treasury as contract
from contracts.reference import LEVEL_LETTERS
from servicekit import areas
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.db import commit_or_conflict
from servicekit.validation import dump
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import treasury as db
from ..db.models import FundFlow, Project, ReconciliationRun, TreasuryImport, TreasuryPayment
from ..domain import treasury_file as files
from ..domain.reconciliation import Record, reconcile
from ..metrics import RECONCILIATIONS, TREASURY_PAYMENTS
from . import reconciliation_report as report
from .common import area, dumps, loads, today

Covers = Callable[[str, str], bool]  # (mof_div_code, pro_code) → within the area's scope
RACE = "国库支付正被同时导入，请重试 (payments are being imported at the same time: retry)"


def leveled_id(level: str) -> str:
    return f"{LEVEL_LETTERS[level]}-{uuid.uuid4().hex}"


def _scope(place: areas.Area, projects: list[Project]) -> tuple[Covers, set[str]]:
    """What the area covers, and the division codes to look payments up by."""
    tree = areas.load()
    keys = {(p.mof_div_code, p.pro_code) for p in projects}

    def covers(mof_div_code: str, pro_code: str) -> bool:
        return tree.within(mof_div_code, place.code) or (mof_div_code, pro_code) in keys

    divisions = {a.code for a in tree.all() if a.path.startswith(place.path)}
    return covers, divisions | {p.mof_div_code for p in projects if p.mof_div_code}


def _out_of_scope(payments: list[files.Payment], covers: Covers, code: str) -> list[files.RowError]:
    return [
        files.RowError(
            p.row,
            "mof_div_code",
            f"财政区划代码 {p.mof_div_code} 不在本地区 {code} 内，本地区也无项目代码为 "
            f"{p.pro_code} 的项目 (mof_div_code outside the area, and no project of the area "
            "has this finance key)",
        )
        for p in payments
        if not covers(p.mof_div_code, p.pro_code)
    ]


def _changed(
    payments: list[files.Payment], stored: dict[str, TreasuryPayment]
) -> list[files.RowError]:
    problems = []
    for payment in payments:
        before = stored.get(payment.payment_id)
        if before is None:
            continue
        differ = [k for k, v in payment.content().items() if getattr(before, k) != v]
        if differ:
            names = "、".join(files.FIELD_NAMES[k.removesuffix("_fen")] for k in differ)
            message = (
                f"支付流水号 {payment.payment_id} 已由导入 {before.import_id} 登记，内容不同："
                f"{names} (payment_id imported before with other {', '.join(differ)})"
            )
            problems.append(files.RowError(payment.row, "payment_id", message))
    return problems


def _refuse(problems: list[files.RowError]) -> Exception:
    ordered = files.sort_errors(problems)
    return errors.rule(
        files.refusal_message(ordered),
        {
            "code": "treasury_file_refused",
            "error_count": len(ordered),
            "errors": [p.as_dict() for p in ordered],
        },
    )


def import_treasury_payments(
    session: Session, guard: Guard, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    place = area(data["area_code"])
    principal = guard.require(roles.FINANCE, place.code)
    year, fmt = data["year"], data["format"]
    digest = files.digest(place.code, year, fmt, data["content"])
    first = db.import_by_digest(session, digest)
    if first is not None:
        return _answer(session, first, replayed=True)
    payments, problems = files.read(data["content"], fmt, year, today())
    covers, _ = _scope(place, list(db.keyed_projects(session, place.path, year)))
    stored = db.payments_by_id(session, (p.payment_id for p in payments))
    problems += _out_of_scope(payments, covers, place.code) + _changed(payments, stored)
    if problems:
        raise _refuse(problems)
    try:
        row = _stage(session, place, (year, fmt, digest), payments, stored, principal.user_id, now)
    except IntegrityError:
        session.rollback()  # a concurrent import of the same file (or payments) won
        return _winner(session, digest)
    return _answer(session, row, replayed=False)


def _stage(
    session: Session,
    place: areas.Area,
    file: tuple[int, str, str],
    payments: list[files.Payment],
    stored: dict[str, TreasuryPayment],
    by: str | None,
    now: datetime,
) -> TreasuryImport:
    """Write the import, its new payments and its reconciliation in one commit."""
    (year, fmt, digest), new = file, [p for p in payments if p.payment_id not in stored]
    row = TreasuryImport(
        id=leveled_id(place.level),
        area_code=place.code,
        level=place.level,
        year=year,
        digest=digest,
        file_format=fmt,
        rows=len(payments),
        added=len(new),
        imported_by=by or "",
        imported_at=now,
    )
    session.add(row)
    session.flush()  # the payments' foreign key needs the import first
    session.add_all(TreasuryPayment(import_id=row.id, **_columns(p)) for p in new)
    session.flush()
    run = record_reconciliation(session, place, year, row.id, row.imported_by, now)
    session.commit()
    _count(row, run)
    return row


def _winner(session: Session, digest: str) -> dict[str, Any]:
    """The import that committed first: the same file's, or a 409 to retry (another file
    holding some of the same new payments committed first)."""
    winner = db.import_by_digest(session, digest)
    if winner is None:
        raise errors.conflict(RACE)
    return _answer(session, winner, replayed=True)


def _columns(payment: files.Payment) -> dict[str, Any]:
    return {"payment_id": payment.payment_id, **payment.content()}


def _count(row: TreasuryImport, run: ReconciliationRun) -> None:
    TREASURY_PAYMENTS.inc(row.level, row.added)
    RECONCILIATIONS.inc(row.level, outcome="clean" if loads(run.summary)["clean"] else "findings")


def _answer(session: Session, row: TreasuryImport, replayed: bool) -> dict[str, Any]:
    run = db.run_of_import(session, row.id)
    assert run is not None  # written in the import's own transaction
    return dump(
        contract.TreasuryImport,
        {
            "id": row.id,
            "area_code": row.area_code,
            "year": row.year,
            "format": row.file_format,
            "rows": row.rows,
            "added": row.added,
            "known": row.rows - row.added,
            "imported_by": row.imported_by,
            "imported_at": as_utc(row.imported_at),
            "replayed": replayed,
            "reconciliation_id": run.id,
            "reconciliation": loads(run.summary),
        },
    )


def _ours(flow: FundFlow, project: Project) -> Record:
    return Record(
        flow.id,
        project.mof_div_code or "",
        project.year,
        project.pro_code or "",
        flow.voucher_no,
        flow.amount_fen,
        flow.flow_date,
    )


def _theirs(payment: TreasuryPayment) -> Record:
    return Record(
        payment.payment_id,
        payment.mof_div_code,
        payment.fiscal_year,
        payment.pro_code,
        payment.voucher_no,
        payment.amount_fen,
        payment.paid_on,
    )


def record_reconciliation(
    session: Session,
    place: areas.Area,
    year: int,
    import_id: str | None,
    by: str,
    now: datetime,
) -> ReconciliationRun:
    """Reconcile the area's year as the database holds it now, and stage the report."""
    projects = list(db.keyed_projects(session, place.path, year))
    covers, divisions = _scope(place, projects)
    by_id = {p.id: p for p in projects}
    flows = {f.id: (f, by_id[f.project_id]) for f in db.disbursements_of(session, by_id)}
    payments = {
        p.payment_id: p
        for p in db.payments_of(session, year, divisions)
        if covers(p.mof_div_code, p.pro_code)
    }
    result = reconcile(
        [_ours(f, p) for f, p in flows.values()], [_theirs(p) for p in payments.values()]
    )
    summary = {
        "ours_records": len(flows),
        "ours_fen": sum(f.amount_fen for f, _ in flows.values()),
        "treasury_records": len(payments),
        "treasury_fen": sum(p.amount_fen for p in payments.values()),
        **result.summary(),
    }
    run = ReconciliationRun(
        id=leveled_id(place.level),
        area_code=place.code,
        level=place.level,
        year=year,
        import_id=import_id,
        summary=dumps(summary),
        body=dumps(report.body(result, flows, payments)),
        created_by=by,
        created_at=now,
    )
    session.add(run)
    session.flush()
    return run


def reconcile_treasury(
    session: Session, guard: Guard, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """A new report of the area's year without a new file (after more disbursements)."""
    place = area(data["area_code"])
    principal = guard.require(roles.FINANCE, place.code)
    run = record_reconciliation(session, place, data["year"], None, principal.user_id or "", now)
    outcome = "clean" if loads(run.summary)["clean"] else "findings"
    commit_or_conflict(session, RACE, then=lambda: RECONCILIATIONS.inc(run.level, outcome=outcome))
    return report.view(run)


def _run(session: Session, guard: Guard, run_id: str) -> ReconciliationRun:
    run = db.reconciliation(session, str(run_id))
    if run is None:
        guard.require(roles.TREASURY_READ)
        raise errors.reconciliation_not_found()
    guard.require(roles.TREASURY_READ, run.area_code)
    return run


def get_reconciliation(session: Session, guard: Guard, run_id: str) -> dict[str, Any]:
    return report.view(_run(session, guard, run_id))


def export_reconciliation(session: Session, guard: Guard, run_id: str) -> dict[str, Any]:
    return report.export(_run(session, guard, run_id))
