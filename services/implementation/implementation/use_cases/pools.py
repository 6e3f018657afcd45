"""Special fund pools (专项资金): a special source's allocation to an area for a year — the
city's subsidy for townships, a banner's allocation per township or street (Uxin: 600 万元 a
township a year; Jungar: 500 万元 a township, 400 万元 a street).

A project's budget amount of a special source is a draw on the nearest pool of that source and
year: its own area's, else its banner's, else the city's. A draw beyond what the pool has left
is refused with the figures; a project with a special-source amount and no pool above it is
refused too (the money has to come from somewhere the finance office has set up).
"""

import uuid
from datetime import datetime
from typing import Any

from contracts import funds as contract
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.db import commit_or_conflict, write_first
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import funds as db
from ..db.models import FundPool, PoolDraw, Project
from ..domain import funds as domain
from .common import area, loads
from .fund_warnings import one_decimal


def nearest_pool(session: Session, row: Project, source: str) -> FundPool | None:
    codes = [code for code in row.area_path.split("/") if code]
    for code in reversed(codes):
        found = db.pool(session, code, row.year, source, lock=True)
        if found is not None:
            return found
    return None


def draw_on_pools(session: Session, row: Project, amounts: dict[str, int]) -> None:
    """Set the project's draws to its budget's special-source amounts, or refuse them all."""
    existing = {d.pool_id: d for d in db.draws_of(session, row.id)}
    wanted: dict[str, int] = {}
    for source in sorted(domain.SPECIAL_SOURCES):
        amount = amounts.get(source, 0)
        if not amount:
            continue
        pool = nearest_pool(session, row, source)
        if pool is None:
            raise domain.FundsError(
                f"{domain.source_name(source)} 尚未设立专项资金池（{row.year} 年），"
                f"请财政部门先下达资金池 (no special fund pool of {source} above this area)",
                "no_pool",
                {"source": source, "year": row.year, "area_code": row.area_code},
            )
        others = db.committed(session, pool.id, except_project=row.id)
        domain.check_draw(domain.Pool(pool.id, pool.allocated_fen, others), amount)
        wanted[pool.id] = amount
    for pool_id, held in existing.items():
        if pool_id not in wanted:
            session.delete(held)
    for pool_id, amount in wanted.items():
        if pool_id in existing:
            existing[pool_id].amount_fen = amount
        else:
            session.add(PoolDraw(pool_id=pool_id, project_id=row.id, amount_fen=amount))


def draws_view(session: Session, project_id: str) -> list[dict[str, Any]]:
    answers = []
    for held in db.draws_of(session, project_id):
        pool = session.get(FundPool, held.pool_id)
        if pool is not None:
            answers.append(
                {
                    "pool_id": pool.id,
                    "area_code": pool.area_code,
                    "source": pool.source,
                    "source_name": domain.source_name(pool.source),
                    "amount_fen": held.amount_fen,
                }
            )
    return answers


def put_fund_pool(
    session: Session, guard: Guard, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    place = area(data["area_code"])
    guard.require(roles.FINANCE, place.code)
    pool = db.pool(session, place.code, data["year"], data["source"], lock=True)
    if pool is None:
        pool = FundPool(
            id=str(uuid.uuid4()),
            area_code=place.code,
            area_path=place.path,
            level=place.level,
            year=data["year"],
            source=data["source"],
        )
        session.add(pool)
    else:
        table = FundPool.__table__
        write_first(session, table.c.id, pool.id, table.c.note)  # SQLite: lock, then count
        held = db.committed(session, pool.id)
        if data["allocated_fen"] < held:
            raise errors.rule(
                f"资金池总额不能低于已安排金额：已安排 {domain.wan_yuan(held)}，"
                f"拟调整为 {domain.wan_yuan(data['allocated_fen'])} "
                "(allocation below what projects already hold)",
                {
                    "code": "below_committed",
                    "committed_fen": held,
                    "allocated_fen": data["allocated_fen"],
                },
            )
    pool.allocated_fen, pool.note = data["allocated_fen"], data["note"]
    pool.updated_by, pool.updated_at = guard.principal.user_id or "", now
    session.flush()
    answer = dump(
        contract.FundPool, pool_view(pool, *db.pool_usage(session, [pool.id]).get(pool.id, (0, 0)))
    )
    commit_or_conflict(session, "资金池正被他人同时修改，请刷新 (pool changed meanwhile: reload)")
    return answer


def pool_view(pool: FundPool, committed: int, projects: int) -> dict[str, Any]:
    return {
        "id": pool.id,
        "area_code": pool.area_code,
        "level": pool.level,
        "year": pool.year,
        "source": pool.source,
        "source_name": domain.source_name(pool.source),
        "allocated_fen": pool.allocated_fen,
        "committed_fen": committed,
        "remaining_fen": pool.allocated_fen - committed,
        "projects": projects,
        "note": pool.note,
        "updated_by": pool.updated_by,
        "updated_at": as_utc(pool.updated_at),
    }


def list_fund_pools(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    place = area(query["area_code"])
    guard.require(roles.READ, place.code)
    found = db.pools_in(session, place.path, query["year"])
    usage = db.pool_usage(session, [p.id for p in found])
    rows = db.projects_in(session, place.path, query["year"])
    by_source: dict[str, int] = {}
    for version in db.current_budgets(session, [r.id for r in rows]).values():
        for source, amount in version_amounts(version).items():
            by_source[source] = by_source.get(source, 0) + amount
    share = domain.special_share(by_source)
    special = sum(v for s, v in by_source.items() if s in domain.SPECIAL_SOURCES)
    return dump(
        contract.FundPools,
        {
            "area_code": place.code,
            "year": query["year"],
            "pools": [pool_view(p, *usage.get(p.id, (0, 0))) for p in found],
            "budget_fen": sum(by_source.values()),
            "special_fen": special,
            "special_share": str(share) if share is not None else None,
            "special_percent": one_decimal(special, sum(by_source.values()))
            if share is not None
            else None,
        },
    )


def version_amounts(version: Any) -> dict[str, int]:
    return dict(loads(version.amounts))
