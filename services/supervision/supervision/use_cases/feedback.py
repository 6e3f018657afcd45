"""码上监督: feedback on a project through its code — anyone sends it, congress staff of the
area publish or hide it and may raise a finding from it.

The sender's name and phone are stored for the staff's call back and appear only in the staff
view: the public list, the project's file, metrics and logs never carry them (the file line of
a published feedback says its category and text, the actor is "群众").
"""

from datetime import datetime
from typing import Any

from contracts import supervision_public as contract
from servicekit import areas, idempotency
from servicekit.auth import Guard
from servicekit.db import commit_or_conflict
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import files
from ..db import public as db
from ..db.models import Project
from ..db.public_models import Feedback, FeedbackModeration
from ..domain import public as domain
from ..metrics import FEEDBACK_MODERATED, FEEDBACK_SUBMITTED
from . import public_common as common

NAMES = contract.CATEGORY_NAMES


def submit_feedback(
    session: Session, guard: Guard, code: str, data: dict[str, Any], key: str | None, now: datetime
) -> dict[str, Any]:
    project = common.by_code(session, code)
    scope = idempotency.scope_of("feedback", guard.principal)
    request = idempotency.Request(key, {"project_id": project.id, **data})

    def stage() -> dict[str, Any]:
        row = _new(project, data, now)
        session.add(row)
        session.flush()
        return dump(
            contract.FeedbackCreated,
            {"feedback_id": row.id, "state": row.state, "submitted_at": now},
        )

    def counted() -> None:
        FEEDBACK_SUBMITTED.inc(project.level, category=data["category"])

    return idempotency.create_once(session, scope, request, stage, then=counted)


def _new(project: Project, data: dict[str, Any], now: datetime) -> Feedback:
    anonymous = bool(data["anonymous"])
    return Feedback(
        id=common.new_id(project.level),
        project_id=project.id,
        area_code=project.area_code,
        area_path=project.area_path,
        year=project.year,
        category=data["category"],
        text=data["text"],
        photos=common.dumps(data["photos"]),
        anonymous=anonymous,
        resident_name=None if anonymous else data.get("name"),
        resident_phone=None if anonymous else data.get("phone"),
        state=domain.PENDING,
        submitted_at=now,
    )


def public_view(row: Feedback) -> dict[str, Any]:
    """Field by field: what anyone may see of a published feedback (no contact, ever)."""
    return {
        "id": row.id,
        "category": row.category,
        "category_name": NAMES[row.category],
        "text": row.text,
        "photos": common.loads(row.photos),
        "submitted_at": row.submitted_at,
        "published_at": row.published_at,
    }


def staff_view(row: Feedback, title: str) -> dict[str, Any]:
    return {
        **public_view(row),
        "project_id": row.project_id,
        "project_title": title,
        "area_code": row.area_code,
        "year": row.year,
        "anonymous": row.anonymous,
        "name": row.resident_name,
        "phone": row.resident_phone,
        "state": row.state,
        "hidden_reason": row.hidden_reason,
        "moderated_by": row.moderated_by,
        "finding_id": row.finding_id,
    }


def list_public_feedback(session: Session, code: str) -> dict[str, Any]:
    project = common.by_code(session, code)
    items = [public_view(row) for row in db.published_feedback(session, project.id)]
    return dump(contract.PublicFeedbackPage, {"public_code": project.public_code, "items": items})


def list_feedback(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    guard.require(roles.STAFF, query["area_code"])
    place = areas.require(query["area_code"])
    size = int(query["page_size"])
    rows, total = db.feedback_page(
        session, place.path, query["year"], query["state"], (query["page"] - 1) * size, size
    )
    titles = db.titles(session, {row.project_id for row in rows})
    items = [staff_view(row, titles.get(row.project_id, "")) for row in rows]
    page = {"items": items, "total": total, "page": query["page"], "page_size": size}
    return dump(contract.FeedbackPage, page)


def _load(session: Session, guard: Guard, feedback_id: str) -> tuple[Feedback, Project]:
    row = db.feedback(session, str(feedback_id), lock=True)
    if row is None:
        guard.require(roles.STAFF)
        raise errors.not_found("反馈", "feedback")
    project = common.staff_project(session, guard, row.project_id, roles.STAFF)
    return row, project


def moderate_feedback(
    session: Session, guard: Guard, feedback_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    row, project = _load(session, guard, feedback_id)
    try:
        state = domain.moderate(row.state, data["action"])
    except domain.PublicRefused as exc:
        raise errors.conflict(exc.message, {"state": row.state}) from exc
    was_public = row.state == domain.PUBLISHED
    by = guard.principal.user_id or ""
    row.state, row.moderated_by, row.moderated_at = state, by, now
    row.hidden_reason = data.get("reason") if state == domain.HIDDEN else None
    row.published_at = now if state == domain.PUBLISHED else row.published_at
    session.add(
        FeedbackModeration(
            feedback_id=row.id, action=data["action"], reason=data.get("reason"), by=by, at=now
        )
    )
    _file_line(session, row, project, was_public, now)
    title = project.title
    commit_or_conflict(
        session,
        "该反馈正被他人同时处理，请重试 (changed meanwhile: retry)",
        then=lambda: FEEDBACK_MODERATED.inc(project.level, category=row.category, state=state),
    )
    return dump(contract.Feedback, staff_view(row, title))


def _file_line(
    session: Session, row: Feedback, project: Project, was_public: bool, now: datetime
) -> None:
    """Published: a public line of the file; withdrawn after publishing: a supervision line
    (a pending feedback hidden was never on the file)."""
    name = NAMES[row.category]
    if row.state == domain.PUBLISHED:
        files.add_entry(
            session,
            project.id,
            at=now,
            side=common.PUBLIC,
            kind="public_feedback",
            summary=f"群众反馈（{name}）：{row.text[:80]}",
            actor="群众",
            ref=row.id,
            detail={"category": row.category},
        )
    elif was_public:
        files.add_entry(
            session,
            project.id,
            at=now,
            side=common.SUPERVISION,
            kind="public_feedback_hidden",
            summary=f"撤下一条群众反馈（{name}）：{row.hidden_reason or ''}"[:500],
            actor="人大工作人员",
            ref=row.id,
            detail={"category": row.category},
        )


def feedback_to_finding(
    session: Session, guard: Guard, feedback_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    row, project = _load(session, guard, feedback_id)
    finding = common.raise_finding(session, guard, project, "feedback", row, data["text"], now)
    view = common.finding_view(finding)
    commit_or_conflict(
        session,
        "该反馈正被他人同时处理，请重试 (changed meanwhile: retry)",
        then=lambda: common.count_finding(project, "feedback"),
    )
    return dump(contract.PublicFindingMade, view)
