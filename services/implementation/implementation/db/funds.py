"""Queries of project money: budgets, fund flows, pools and their draws, warnings."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.orm import Session

from .models import BudgetVersion, FundFlow, FundPool, FundWarning, PoolDraw, Project

# project → kind → source → fen
FlowSums = dict[str, dict[str, dict[str, int]]]


def budget(session: Session, row: Project) -> BudgetVersion | None:
    if not row.budget_version:
        return None
    return session.get(BudgetVersion, (row.id, row.budget_version))


def budget_versions(session: Session, project_id: str) -> Sequence[BudgetVersion]:
    return session.scalars(
        select(BudgetVersion)
        .where(BudgetVersion.project_id == project_id)
        .order_by(BudgetVersion.version.desc())
    ).all()


# Built once: a report evaluates its project's warnings, so these run ~27,000 times a city-year
# and the ORM's per-call statement building and loading cost more than SQLite does.
_IDS = bindparam("project_ids", expanding=True)
_B, _F, _W, _P = (m.__table__ for m in (BudgetVersion, FundFlow, FundWarning, Project))
_CURRENT_BUDGETS = (
    select(_B.c.project_id, _B.c.version, _B.c.amounts)
    .join(_P, (_P.c.id == _B.c.project_id) & (_P.c.budget_version == _B.c.version))
    .where(_P.c.id.in_(_IDS))
)
_FLOW_SUMS = (
    select(_F.c.project_id, _F.c.kind, _F.c.source, func.sum(_F.c.amount_fen))
    .where(_F.c.project_id.in_(_IDS))
    .group_by(_F.c.project_id, _F.c.kind, _F.c.source)
)
_OPEN_WARNINGS = (
    select(_W).where(_W.c.project_id.in_(_IDS), _W.c.resolved_at.is_(None)).order_by(_W.c.id)
)


def current_budgets(session: Session, project_ids: Iterable[str]) -> dict[str, Row[Any]]:
    """Each project's current budget version (project_id, version, amounts), for many
    projects in one query."""
    ids = list(project_ids)
    if not ids:
        return {}
    rows = session.execute(_CURRENT_BUDGETS, {"project_ids": ids})
    return {r.project_id: r for r in rows}


def flow_sums(session: Session, project_ids: Iterable[str]) -> FlowSums:
    ids = list(project_ids)
    sums: FlowSums = defaultdict(lambda: defaultdict(dict))
    if not ids:
        return sums
    for project_id, kind, source, total in session.execute(_FLOW_SUMS, {"project_ids": ids}):
        sums[project_id][kind][source] = int(total)
    return sums


def flows(session: Session, project_id: str) -> Sequence[FundFlow]:
    return session.scalars(
        select(FundFlow)
        .where(FundFlow.project_id == project_id)
        .order_by(FundFlow.flow_date, FundFlow.recorded_at, FundFlow.id)
    ).all()


def flow_by_voucher(session: Session, project_id: str, kind: str, voucher: str) -> FundFlow | None:
    return session.scalars(
        select(FundFlow).where(
            FundFlow.project_id == project_id, FundFlow.kind == kind, FundFlow.voucher_no == voucher
        )
    ).first()


def project_by_key(session: Session, mof_div_code: str, year: int, pro_code: str) -> Project | None:
    return session.scalars(
        select(Project).where(
            Project.mof_div_code == mof_div_code, Project.year == year, Project.pro_code == pro_code
        )
    ).first()


def pool(
    session: Session, area_code: str, year: int, source: str, lock: bool = False
) -> FundPool | None:
    query = select(FundPool).where(
        FundPool.area_code == area_code, FundPool.year == year, FundPool.source == source
    )
    return session.scalars(query.with_for_update() if lock else query).first()


def committed(session: Session, pool_id: str, except_project: str | None = None) -> int:
    query = select(func.coalesce(func.sum(PoolDraw.amount_fen), 0)).where(
        PoolDraw.pool_id == pool_id
    )
    if except_project is not None:
        query = query.where(PoolDraw.project_id != except_project)
    return int(session.scalar(query) or 0)


def draws_of(session: Session, project_id: str) -> Sequence[PoolDraw]:
    return session.scalars(select(PoolDraw).where(PoolDraw.project_id == project_id)).all()


def pools_in(session: Session, area_path: str, year: int) -> Sequence[FundPool]:
    return session.scalars(
        select(FundPool)
        .where(FundPool.area_path.startswith(area_path, autoescape=True), FundPool.year == year)
        .order_by(FundPool.area_code, FundPool.source)
    ).all()


def pool_usage(session: Session, pool_ids: Iterable[str]) -> dict[str, tuple[int, int]]:
    """pool id → (committed fen, projects drawing)."""
    ids = list(pool_ids)
    if not ids:
        return {}
    query = (
        select(PoolDraw.pool_id, func.sum(PoolDraw.amount_fen), func.count())
        .where(PoolDraw.pool_id.in_(ids))
        .group_by(PoolDraw.pool_id)
    )
    return {pool_id: (int(total), int(n)) for pool_id, total, n in session.execute(query)}


def projects_in(session: Session, area_path: str, year: int | None = None) -> Sequence[Project]:
    query = select(Project).where(Project.area_path.startswith(area_path, autoescape=True))
    if year is not None:
        query = query.where(Project.year == year)
    return session.scalars(query.order_by(Project.id)).all()


def open_warnings(session: Session, project_ids: Iterable[str]) -> Sequence[Row[Any]]:
    """The open warnings of these projects as rows (read-only: fund_warnings writes them)."""
    ids = list(project_ids)
    if not ids:
        return []
    return session.execute(_OPEN_WARNINGS, {"project_ids": ids}).all()


def open_warning_count(session: Session, project_id: str) -> int:
    query = select(func.count()).where(
        FundWarning.project_id == project_id, FundWarning.resolved_at.is_(None)
    )
    return int(session.scalar(query) or 0)


def warnings_page(
    session: Session, area_path: str, filters: dict, page: int, size: int
) -> tuple[Sequence[tuple[FundWarning, str]], int]:
    query = (
        select(FundWarning, Project.title)
        .join(Project, Project.id == FundWarning.project_id)
        .where(FundWarning.area_path.startswith(area_path, autoescape=True))
    )
    if filters.get("state") == "open":
        query = query.where(FundWarning.resolved_at.is_(None))
    elif filters.get("state") == "resolved":
        query = query.where(FundWarning.resolved_at.is_not(None))
    for column in ("year", "kind", "project_id"):
        if filters.get(column) is not None:
            query = query.where(getattr(FundWarning, column) == filters[column])
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(FundWarning.raised_at.desc(), FundWarning.id.desc())
        .limit(size)
        .offset((page - 1) * size)
    ).all()
    return [(w, title) for w, title in rows], int(total)
