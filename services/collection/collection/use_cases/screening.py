"""Screening (政府筛选) and the project library (民生实事项目库): record a screener's scores and
verdict, read them with their mean and spread, search and edit the library.

Publishing outcomes and answering submitters live in `use_cases.outcomes`.
"""

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from contracts import screening as contract
from servicekit import areas, idempotency
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors
from ..db import screening as db
from ..domain import screening as domain
from ..domain.intake import SHANGHAI, sees_tracking_codes
from ..metrics import SCREENING_VERDICTS


def area_of(area_code: str) -> areas.Area:
    return areas.require(area_code)


def _proposal(session: Session, guard: Guard, proposal_id: str, roles: frozenset[str]) -> Any:
    """The proposal (locked for the write that follows) once the caller may act on it. An
    unknown id is 404 only to a caller with the role, so ids cannot be probed anonymously."""
    proposal = db.proposal_for_update(session, proposal_id)
    if proposal is None:
        guard.require(roles)
        raise errors.proposal_not_found()
    guard.require(roles, proposal.area_code)
    return proposal


# ---- reading screenings ---------------------------------------------------------------------
def _scored(row: db.Screening) -> domain.ScoredRow:
    scores = {p: getattr(row, p) for p in domain.PRINCIPLES}
    return domain.ScoredRow(row.id, row.screener_id, as_utc(row.created_at), scores)


def _summary(rows: Sequence[db.Screening]) -> dict[str, Any] | None:
    latest = domain.latest_per_screener(_scored(row) for row in rows)
    return domain.summarize([row.scores for row in latest.values()])


def summaries_for(session: Session, proposal_ids: Sequence[str]) -> dict[str, Any]:
    """Proposal id -> screening summary (None before anyone scored), in one query."""
    grouped: dict[str, list[db.Screening]] = defaultdict(list)
    for row in db.screenings_of(session, proposal_ids):
        grouped[row.proposal_id].append(row)
    return {pid: _summary(grouped[pid]) if pid in grouped else None for pid in proposal_ids}


def attach_summaries(session: Session, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add `screening` to each dumped staff view of a proposal list page."""
    summaries = summaries_for(session, [item["id"] for item in items])
    for item in items:
        item["screening"] = summaries[item["id"]]  # plain JSON already (domain.summarize)
    return items


def _screening_view(row: db.Screening, latest_ids: set[str]) -> dict[str, Any]:
    view = {column.key: getattr(row, column.key) for column in db.Screening.__table__.columns}
    view.update(
        comments=json.loads(row.comments or "{}"),
        created_at=as_utc(row.created_at),
        latest=row.id in latest_ids,
    )
    return dump(contract.Screening, view)


def list_screenings(session: Session, guard: Guard, proposal_id: str) -> dict[str, Any]:
    proposal = db.proposal(session, proposal_id)
    if proposal is None:
        guard.require(domain.READ_ROLES)
        raise errors.proposal_not_found()
    guard.require(domain.READ_ROLES, proposal.area_code)
    rows = db.screenings_of(session, [proposal_id])
    latest = domain.latest_per_screener(_scored(row) for row in rows)
    latest_ids = {row.id for row in latest.values()}
    return {  # contract.ScreeningList; the rows are dumped one by one
        "items": [_screening_view(row, latest_ids) for row in rows],
        "summary": domain.summarize([row.scores for row in latest.values()]),
    }


# ---- recording a screening ------------------------------------------------------------------
def _year(session: Session, proposal: db.Proposal, now: datetime) -> int:
    """The proposal's year (its notice's); one without a notice, from a petition matter,
    belongs to the year it is screened in (Beijing time), and keeps it from now on."""
    year = db.year_of(session, proposal) or now.astimezone(SHANGHAI).year
    proposal.year = year
    return year


def _library_values(proposal: db.Proposal, figures: dict[str, Any] | None) -> dict[str, Any]:
    defaults = {
        "summary": proposal.description,
        "estimated_cost_fen": proposal.estimated_cost_fen,
        "lead_department": None,
        "beneficiaries": proposal.beneficiaries,
        "rationale": "",
    }
    return {**defaults, **(figures or {})}


def _keep_in_library(
    session: Session,
    proposal: db.Proposal,
    figures: dict[str, Any] | None,
    user: str,
    now: datetime,
) -> db.LibraryItem:
    """Create the library item, or update it with only the figures given this time, so a
    second screener's verdict does not undo figures the government already edited."""
    item = db.library_item(session, proposal.id)
    if item is not None:
        for key, value in (figures or {}).items():
            setattr(item, key, value)
        return item
    item = db.LibraryItem(
        proposal_id=proposal.id,
        area_code=proposal.area_code,
        area_path=proposal.area_path,
        level=proposal.level,
        year=proposal.year,
        title=proposal.title,
        category=proposal.category,
        added_by=user,
        added_at=now,
        **_library_values(proposal, figures),
    )
    session.add(item)
    return item


def library_view(item: db.LibraryItem, tracking_code: str | None) -> dict[str, Any]:
    view = {column.key: getattr(item, column.key) for column in db.LibraryItem.__table__.columns}
    view.update(tracking_code=tracking_code, added_at=as_utc(item.added_at))
    return dump(contract.LibraryItem, view)


def _refuse_if_closed(session: Session, proposal: db.Proposal, verdict: str) -> None:
    state = domain.ProposalState(
        status=proposal.status,
        merged=proposal.merged_into_id is not None,
        outcome_published=proposal.outcome_published_at is not None,
        on_draft_list=verdict != "in_library" and db.on_draft_list(session, proposal.id),
    )
    refusal = domain.screening_refusal(state, verdict)
    if refusal is not None:
        raise errors.screening_conflict(refusal, proposal.id)


def _record(
    session: Session, proposal: db.Proposal, data: dict[str, Any], user: str, now: datetime
) -> db.Screening:
    comments = {k: v.strip() for k, v in data["comments"].items() if v and v.strip()}
    row = db.Screening(
        proposal_id=proposal.id,
        screener_id=user,
        comments=json.dumps(comments, ensure_ascii=False),
        verdict=data["verdict"],
        reason=domain.clean_reason(data["reason"]),
        created_at=now,
        **{p: data[p] for p in domain.PRINCIPLES},
    )
    session.add(row)
    proposal.status = row.verdict
    proposal.outcome_reason = row.reason
    # Only a needs_info answer can precede a screening (published outcomes are final): the
    # submitter is owed a new answer about this verdict.
    proposal.answered_at = None
    return row


def screen_proposal(
    session: Session,
    guard: Guard,
    proposal_id: str,
    data: dict[str, Any],
    raw: dict[str, Any],
    idempotency_key: str | None,
    now: datetime,
) -> dict[str, Any]:
    """Append the caller's screening, set the proposal's status to this (latest) verdict and
    keep the library item in step with it — one transaction."""
    proposal = _proposal(session, guard, proposal_id, domain.SCREEN_ROLES)
    scope = idempotency.scope_of("screening", guard.principal)
    request = idempotency.Request(idempotency_key, {"proposal_id": proposal_id, "body": raw})

    def count() -> None:
        SCREENING_VERDICTS.inc(proposal.level, verdict=data["verdict"])

    return idempotency.create_once(
        session,
        scope,
        request,
        lambda: _stage_screening(session, proposal, data, guard.principal.user_id or "", now),
        then=count,
    )


def _stage_screening(
    session: Session, proposal: Any, data: dict[str, Any], user: str, now: datetime
) -> dict[str, Any]:
    _refuse_if_closed(session, proposal, data["verdict"])
    _year(session, proposal, now)  # publish and answer select by year
    row = _record(session, proposal, data, user, now)
    item = None
    if row.verdict == "in_library":
        item = _keep_in_library(session, proposal, data["library"], user, now)
    else:
        db.remove_library_item(session, proposal.id)
    session.flush()
    rows = db.screenings_of(session, [proposal.id])
    result = {
        "screening": _screening_view(row, {row.id}),
        "proposal_status": proposal.status,
        "library_item": library_view(item, proposal.tracking_code) if item else None,
        "summary": _summary(rows),
    }
    # contract.ScreeningRecorded: each part above is dumped through its own schema already
    return result


# ---- the library ----------------------------------------------------------------------------
def list_library(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    guard.require(domain.LIBRARY_READ_ROLES, query["area_code"])
    area = area_of(query["area_code"])
    rows, total = db.library_page(session, area.path, query)
    codes = sees_tracking_codes(guard.principal.roles)  # deputies read the library too
    return {
        "items": [library_view(item, code if codes else None) for item, code in rows],
        "total": total,
        "page": query["page"],
        "page_size": query["page_size"],
    }


def update_library_item(
    session: Session, guard: Guard, proposal_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    proposal = _proposal(session, guard, proposal_id, domain.LIBRARY_EDIT_ROLES)
    item = db.library_item(session, proposal.id)
    refusal = domain.library_editable(proposal.status)
    if refusal is not None or item is None:
        raise errors.screening_conflict(refusal or domain.library_editable(""), proposal.id)
    for key, value in data.items():
        setattr(item, key, value)
    session.commit()
    return library_view(item, proposal.tracking_code)
