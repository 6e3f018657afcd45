"""What sessions are built from: voting rules (票决办法, versioned data), congress rosters (CSV,
all or nothing) and the frozen candidate lists collection sends."""

from datetime import datetime
from typing import Any

from contracts import voting as contract
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors
from ..db import setup as db
from ..db.models import CandidateList, Deputy, Roster, RulesVersion
from ..domain import roster as roster_domain
from .common import RUN_ROLES, area, commit, dumps


# ---- voting rules -----------------------------------------------------------------------------
def rules_view(row: RulesVersion) -> dict[str, Any]:
    return dump(
        contract.VotingRules,
        {
            "id": row.id,
            "area_code": row.area_code,
            "version": row.version,
            "adopted_on": row.adopted_on,
            "document_ref": row.document_ref,
            "differential_ratio_permille": row.differential_ratio_permille,
            "form": row.form,
            "threshold_base": row.threshold_base,
            "quorum_permille": row.quorum_permille,
            "publication_channel": row.publication_channel,
            "invalid_when": list(contract.INVALID_WHEN),
            "created_at": as_utc(row.created_at),
        },
    )


def adopt_rules(session: Session, guard: Guard, data: dict[str, Any], now: datetime) -> dict:
    place = area(data["area_code"])
    principal = guard.require(RUN_ROLES, place.code)
    row = RulesVersion(
        area_code=place.code,
        version=db.next_version(session, RulesVersion, place.code),
        created_by=principal.user_id or "",
        created_at=now,
        **{k: data[k] for k in contract.VotingRulesCreate().fields if k != "area_code"},
    )
    session.add(row)
    commit(session)  # a concurrent adoption takes the same version: unique → 409, retry
    return rules_view(row)


def list_rules(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    place = area(query["area_code"])
    guard.require(RUN_ROLES | {"supervisor", "deputy"}, place.code)
    return {"items": [rules_view(row) for row in db.rules_versions(session, place.code)]}


# ---- rosters ----------------------------------------------------------------------------------
def roster_view(session: Session, row: Roster) -> dict[str, Any]:
    return dump(
        contract.Roster,
        {
            "id": row.id,
            "area_code": row.area_code,
            "version": row.version,
            "title": row.title,
            "deputies": row.deputies,
            "delegations": [
                {"name": name, "deputies": n} for name, n in db.delegation_counts(session, row.id)
            ],
            "content_hash": row.content_hash,
            "imported_at": as_utc(row.imported_at),
        },
    )


def import_roster(session: Session, guard: Guard, data: dict[str, Any], now: datetime) -> dict:
    place = area(data["area_code"])
    principal = guard.require(RUN_ROLES, place.code)
    try:
        deputies = roster_domain.parse(data["csv"])
    except roster_domain.RosterRefused as exc:
        raise errors.rule(exc.message, {"rows": [p.as_dict() for p in exc.problems]}) from None
    row = Roster(
        area_code=place.code,
        version=db.next_version(session, Roster, place.code),
        title=data["title"],
        deputies=len(deputies),
        content_hash=roster_domain.content_hash(deputies),
        imported_by=principal.user_id or "",
        imported_at=now,
    )
    session.add(row)
    session.flush()
    session.add_all(
        Deputy(
            roster_id=row.id,
            number=d.number,
            name=d.name,
            delegation=d.delegation,
            phone=d.phone,
            username=d.username,
        )
        for d in deputies
    )
    commit(session)  # one transaction: the whole roster or nothing
    return roster_view(session, row)


def get_roster(session: Session, guard: Guard, roster_id: str) -> dict[str, Any]:
    row = db.roster(session, str(roster_id))
    if row is None:
        guard.require(RUN_ROLES)
        raise errors.roster_not_found()
    guard.require(RUN_ROLES | {"supervisor"}, row.area_code)
    return roster_view(session, row)


# ---- candidate lists from collection ----------------------------------------------------------
def receive_candidate_list(session: Session, payload: dict[str, Any], now: datetime) -> None:
    """Keep a frozen list as sent (a loaded candidate_list_frozen_v1 payload); a list never
    changes, so a second copy changes nothing."""
    list_id = str(payload["candidate_list_id"])
    if db.candidate_list(session, list_id) is not None:
        return
    candidates = [
        {
            "id": str(c["proposal_id"]),
            "position": c["position"],
            "title": c["title"],
            "summary": c.get("summary"),  # shown on the ballot page
            "estimated_cost_fen": c.get("estimated_cost_fen"),
            # Passed on in the results so implementation makes projects from them.
            "category": c.get("category"),
            "lead_department": c.get("lead_department"),
        }
        for c in sorted(payload["candidates"], key=lambda c: c["position"])
    ]
    session.add(
        CandidateList(
            id=list_id,
            area_code=payload["area_code"],
            level=payload["level"],
            year=payload["year"],
            seats=payload["seats"],
            differential_ratio_permille=payload["differential_ratio_permille"],
            content_hash=payload["content_hash"],
            candidates=dumps(candidates),
            frozen_at=payload["frozen_at"],
            received_at=now,
        )
    )
