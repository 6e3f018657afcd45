"""Collection's application layer: each function takes its ports, does one thing, commits once.

Ports: a SQLAlchemy session, an outbox writer, a Guard (who is calling) and the time `now`.
"""

from datetime import date, datetime
from typing import Any

from contracts.events import PROPOSAL_SUBMITTED
from contracts.rpc import Notice as NoticeOut
from contracts.rpc import Proposal as ProposalOut
from contracts.rpc import ProposalCreated, ProposalTracking
from servicekit import areas, idempotency
from servicekit.auth import Guard, Principal
from servicekit.clock import as_utc
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors
from ..db import intake as db
from ..db import projects as project_db
from ..domain import intake as domain
from ..domain import similarity
from ..metrics import PROPOSALS_SUBMITTED
from ..storage import AttachmentStore, default_store
from . import duplicates
from . import supporters as parts
from .screening import attach_summaries


def _area(area_code: str) -> areas.Area:
    return areas.require(area_code)


def _window(notice: db.Notice) -> domain.NoticeWindow:
    return domain.NoticeWindow(notice.id, as_utc(notice.opens_at), as_utc(notice.closes_at))


def _notice_view(notice: db.Notice, now: datetime) -> dict[str, Any]:
    view = {
        column: getattr(notice, column)
        for column in ("id", "area_code", "level", "year", "title", "body")
    }
    view.update(
        opens_at=as_utc(notice.opens_at),
        closes_at=as_utc(notice.closes_at),
        status=_window(notice).status(now),
    )
    return dump(NoticeOut, view)


def create_notice(
    session: Session,
    guard: Guard,
    data: dict[str, Any],
    raw: dict[str, Any],
    idempotency_key: str | None,
    now: datetime,
) -> dict[str, Any]:
    principal = guard.require(domain.NOTICE_ROLES, data["area_code"])
    scope = idempotency.scope_of("notice", principal)
    request = idempotency.Request(idempotency_key, raw)
    return idempotency.create_once(
        session, scope, request, lambda: _stage_notice(session, principal, data, now)
    )


def _stage_notice(
    session: Session, principal: Principal, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    area = _area(data["area_code"])
    notice = db.Notice(
        area_code=area.code,
        area_path=area.path,
        level=area.level,
        year=data["year"],
        title=data["title"],
        body=data["body"],
        opens_at=data["opens_at"],
        closes_at=data["closes_at"],
        created_by=principal.user_id,
        created_at=now,
    )
    session.add(notice)
    session.flush()
    return _notice_view(notice, now)


def list_notices(
    session: Session, area_code: str, now: datetime, within: bool = False
) -> dict[str, Any]:
    """Public: residents need to know when they may propose; `within` adds every area under
    this one."""
    area = _area(area_code)
    found = (
        db.notices_under(session, area.path) if within else db.notices_of_area(session, area_code)
    )
    return {"items": [_notice_view(n, now) for n in found]}


def _new_proposal(
    data: dict[str, Any], area: areas.Area, notice_id: str, now: datetime, entered_by: str | None
) -> dict[str, Any]:
    location = data["location"]
    return {
        "id": db.new_id(),
        "tracking_code": domain.new_tracking_code(area.level),
        "notice_id": notice_id,
        "area_code": area.code,
        "area_path": area.path,
        "level": area.level,
        "channel": data["channel"],
        "title": data["title"],
        "description": data["description"],
        "category": data["category"],
        "location_text": location["text"],
        "lat": location.get("lat"),
        "lng": location.get("lng"),
        "estimated_cost_fen": data.get("estimated_cost_fen"),
        "beneficiaries": data.get("beneficiaries"),
        "submitter_name": data.get("submitter_name"),
        "submitter_phone": data.get("submitter_phone"),
        "deputy_name": data.get("deputy_name"),
        "liaison_station": data.get("liaison_station"),
        "department_name": data.get("department_name"),
        "source_matter_id": None,
        "year": None,
        "status": "submitted",
        "submitted_at": now,
        "entered_by": entered_by,
    }


EVENT_FIELDS = (
    "tracking_code",
    "notice_id",
    "area_code",
    "level",
    "channel",
    "category",
    "title",
    "estimated_cost_fen",
    "beneficiaries",
)


def _submitted_event(proposal: dict[str, Any]) -> dict[str, Any]:
    """The event carries no personal data: no name, phone or description."""
    return {
        "proposal_id": proposal["id"],
        **{name: proposal[name] for name in EVENT_FIELDS},
        "submitted_at": as_utc(proposal["submitted_at"]).isoformat(),
    }


def stage_proposal(session: Session, outbox: OutboxWriter, proposal: dict[str, Any]) -> None:
    """Insert (with its duplicate signature) and announce a new proposal: one transaction, the
    caller's. Submissions and petition matters both come through here."""
    proposal["shingles"] = similarity.signature(proposal["title"], proposal["description"])
    db.insert_proposal(session, proposal)
    outbox.add(
        session,
        PROPOSAL_SUBMITTED,
        _submitted_event(proposal),
        area_code=proposal["area_code"],
        level=proposal["level"],
    )


def _notice_for(session: Session, area: areas.Area, now: datetime) -> tuple[str, int]:
    """(id, year) of the notice a submission joins now, or the refusal saying when."""
    found = db.open_notice(session, area.code, now)
    if found is not None:
        return found.id, found.year
    notices = db.notices_of_area(session, area.code)  # the domain rule decides, and words it
    decision = domain.intake_decision(map(_window, notices), now)
    if not decision.accepted:
        raise errors.collection_closed(decision.refusal or "", area.code)
    return next((n.id, n.year) for n in notices if n.id == decision.notice_id)


def submit_proposal(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    data: dict[str, Any],
    raw: dict[str, Any],
    idempotency_key: str | None,
    now: datetime,
    store: AttachmentStore | None = None,
) -> dict[str, Any]:
    """Store a proposal with its supporters, attachments and index, and stage
    `proposal_submitted_v1`, in one transaction. Staff also get possible duplicates."""
    staff = None
    if data["channel"] != "online":
        roles = domain.CHANNEL_ROLES.get(data["channel"], frozenset())
        staff = guard.require(roles, data["area_code"])
    scope = idempotency.scope_of("proposal", staff)
    area = _area(data["area_code"])

    def create() -> dict[str, Any]:
        return _stage_submission(session, outbox, data, area, staff, now, store)

    def count() -> None:
        PROPOSALS_SUBMITTED.inc(area.level, channel=data["channel"])

    request = idempotency.Request(idempotency_key, raw)
    return idempotency.create_once(session, scope, request, create, then=count)


def _stage_submission(
    session: Session,
    outbox: OutboxWriter,
    data: dict[str, Any],
    area: areas.Area,
    staff: Principal | None,
    now: datetime,
    store: AttachmentStore | None,
) -> dict[str, Any]:
    notice_id, year = _notice_for(session, area, now)
    proposal = _new_proposal(data, area, notice_id, now, staff.user_id if staff else None)
    proposal["year"] = year
    stage_proposal(session, outbox, proposal)
    parts.record(session, store or default_store(), proposal, data, now)
    created = dump(ProposalCreated, proposal)
    if staff is not None:  # a public submitter must not see other people's proposals
        codes = domain.sees_tracking_codes(staff.roles)  # nor a deputy their tracking codes
        created["possible_duplicates"] = duplicates.possible_duplicates(session, proposal, codes)
    return created


MAX_MERGE_HOPS = 5  # merges chain only when a merged-into proposal is merged again


def _merge_target(session: Session, proposal: db.Proposal) -> db.Proposal:
    followed = proposal
    for _ in range(MAX_MERGE_HOPS):
        if followed.merged_into_id is None:
            break
        followed = db.proposal_in_scope(session, followed.merged_into_id) or followed
    return followed


def track_proposal(session: Session, tracking_code: str) -> dict[str, Any]:
    """The public page of a tracking code. A merged proposal says so, names the code it was
    merged into and shows that proposal's outcome: its submitter is answered with the rest."""
    proposal = db.proposal_by_tracking_code(session, tracking_code.upper())
    if proposal is None:
        raise errors.proposal_not_found()
    target = _merge_target(session, proposal)
    published = target.outcome_published_at is not None
    status = domain.public_status(target.status, published)
    text = domain.status_text(status)
    if target is not proposal:
        text = f"{domain.status_text('merged')}；{text}"
    return dump(
        ProposalTracking,
        {
            "tracking_code": proposal.tracking_code,
            "title": proposal.title,
            "category": proposal.category,
            "area_code": proposal.area_code,
            "status": "merged" if target is not proposal else status,
            "status_text": text,
            "outcome_reason": target.outcome_reason if status != "submitted" else None,
            "merged_into": target.tracking_code if target is not proposal else None,
            "submitted_at": as_utc(proposal.submitted_at),
            "project": tracked_project(session, target),
        },
    )


def tracked_project(session: Session, proposal: db.Proposal) -> dict[str, Any] | None:
    row = project_db.project_of(session, proposal.id)
    if row is None:
        return None
    return {
        "project_id": row.project_id,
        "status_text": "已立项 (made a livelihood project)",
        "progress_percent": row.progress_percent,
        "standing": row.standing,
        "progress_as_of": date.fromisoformat(row.progress_as_of) if row.progress_as_of else None,
    }


def _staff_view(proposal: db.Proposal) -> dict[str, Any]:
    view = {column.key: getattr(proposal, column.key) for column in db.Proposal.__table__.columns}
    view["location"] = {"text": proposal.location_text, "lat": proposal.lat, "lng": proposal.lng}
    view["submitted_at"] = as_utc(proposal.submitted_at)
    return dump(ProposalOut, view)


def list_proposals(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    guard.require(domain.STAFF_ROLES, query["area_code"])
    area = _area(query["area_code"])
    rows, total = db.proposals_page(session, area.path, query, query["page"], query["page_size"])
    return {
        "items": attach_summaries(session, [_staff_view(p) for p in rows]),
        "total": total,
        "page": query["page"],
        "page_size": query["page_size"],
    }


def get_proposal(session: Session, guard: Guard, proposal_id: str) -> dict[str, Any]:
    proposal = db.proposal_in_scope(session, proposal_id)
    if proposal is None:
        guard.require(domain.STAFF_ROLES)
        raise errors.proposal_not_found()
    guard.require(domain.STAFF_ROLES, proposal.area_code)
    return proposal_detail(session, proposal)


def proposal_detail(session: Session, proposal: db.Proposal) -> dict[str, Any]:
    """The staff view with supporters, attachments, channels and merged sources."""
    return parts.detail(session, proposal, _staff_view(proposal))
