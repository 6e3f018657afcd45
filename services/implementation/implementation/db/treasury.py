"""Queries of treasury imports, their payments, reconciliations and the open-data export."""

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import (
    BudgetVersion,
    FundFlow,
    Project,
    ReconciliationRun,
    TreasuryImport,
    TreasuryPayment,
)

CHUNK = 500  # ids per IN list: well under SQLite's and PostgreSQL's parameter limits


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def import_by_digest(session: Session, digest: str) -> TreasuryImport | None:
    return session.scalars(select(TreasuryImport).where(TreasuryImport.digest == digest)).first()


def run_of_import(session: Session, import_id: str) -> ReconciliationRun | None:
    return session.scalars(
        select(ReconciliationRun)
        .where(ReconciliationRun.import_id == import_id)
        .order_by(ReconciliationRun.created_at)
    ).first()


def payments_by_id(session: Session, ids: Iterable[str]) -> dict[str, TreasuryPayment]:
    found: dict[str, TreasuryPayment] = {}
    for chunk in _chunks(ids):
        query = select(TreasuryPayment).where(TreasuryPayment.payment_id.in_(chunk))
        found.update((p.payment_id, p) for p in session.scalars(query))
    return found


def payments_of(session: Session, year: int, divisions: Iterable[str]) -> list[TreasuryPayment]:
    """The year's treasury payments of these finance division codes."""
    found: list[TreasuryPayment] = []
    for chunk in _chunks(divisions):
        query = select(TreasuryPayment).where(
            TreasuryPayment.fiscal_year == year, TreasuryPayment.mof_div_code.in_(chunk)
        )
        found.extend(session.scalars(query))
    return found


def keyed_projects(session: Session, area_path: str, year: int) -> Sequence[Project]:
    """The area's projects of the year that finance systems know (a budget gave the key)."""
    return session.scalars(
        select(Project)
        .where(
            Project.area_path.startswith(area_path, autoescape=True),
            Project.year == year,
            Project.pro_code.is_not(None),
        )
        .order_by(Project.id)
    ).all()


def disbursements_of(session: Session, project_ids: Iterable[str]) -> list[FundFlow]:
    found: list[FundFlow] = []
    for chunk in _chunks(project_ids):
        query = select(FundFlow).where(
            FundFlow.project_id.in_(chunk), FundFlow.kind == "disbursement"
        )
        found.extend(session.scalars(query))
    return found


def first_budgets(session: Session, project_ids: Iterable[str]) -> dict[str, BudgetVersion]:
    """Each project's first budget version (年初预算)."""
    found: dict[str, BudgetVersion] = {}
    for chunk in _chunks(project_ids):
        query = select(BudgetVersion).where(
            BudgetVersion.project_id.in_(chunk), BudgetVersion.version == 1
        )
        found.update((v.project_id, v) for v in session.scalars(query))
    return found


def reconciliation(session: Session, run_id: str) -> ReconciliationRun | None:
    return session.get(ReconciliationRun, run_id)
