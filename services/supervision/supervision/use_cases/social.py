"""社会监督员: social supervisors registered by congress staff of the area, each linked to a
`supervisor` login by its user id (the account is made with the gateway's create-account), the
projects assigned to them, and their observations — each a line of the project's file, which
staff may turn into a finding. The supervisor's phone is for staff only; the file line names
no one."""

from datetime import datetime
from typing import Any

from contracts import supervision_public as contract
from servicekit import areas, idempotency
from servicekit.auth import Guard
from servicekit.clock import business_date
from servicekit.db import commit_or_conflict
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import files
from ..db import public as db
from ..db.models import Project
from ..db.public_models import Observation, SocialSupervisor
from ..domain import public as domain
from ..metrics import OBSERVATIONS_RECORDED
from . import public_common as common

CHANGED = "监督员信息正被他人同时修改，请重试 (changed meanwhile: retry)"


def _view(row: SocialSupervisor, project_ids: list[str]) -> dict[str, Any]:
    return {
        "id": row.id,
        "area_code": row.area_code,
        "subject": row.subject,
        "name": row.name,
        "phone": row.phone,
        "project_ids": project_ids,
        "registered_at": row.registered_at,
    }


def _check_projects(session: Session, place: areas.Area, project_ids: list[str]) -> None:
    unknown = domain.unknown_projects(
        project_ids, db.projects_under(session, place.path, project_ids)
    )
    if unknown:
        raise errors.rule(
            "所列项目不是本地区的民生实事项目 (projects outside the area)", {"unknown": unknown}
        )


def register_social_supervisor(
    session: Session, guard: Guard, data: dict[str, Any], key: str | None, now: datetime
) -> dict[str, Any]:
    guard.require(roles.STAFF, data["area_code"])
    place = areas.require(data["area_code"])
    scope = idempotency.scope_of("social_supervisor", guard.principal)

    def stage() -> dict[str, Any]:
        if db.supervisor_of(session, data["subject"]) is not None:
            raise errors.conflict(
                "该账号已登记为社会监督员 (this account is a social supervisor already)",
                {"subject": data["subject"]},
            )
        _check_projects(session, place, data["project_ids"])
        row = SocialSupervisor(
            id=common.new_id(place.level),
            subject=data["subject"],
            area_code=place.code,
            area_path=place.path,
            name=data["name"],
            phone=data["phone"],
            registered_by=guard.principal.user_id or "",
            registered_at=now,
        )
        session.add(row)
        session.flush()
        db.assign(session, row.id, data["project_ids"])
        return dump(contract.SocialSupervisor, _view(row, list(dict.fromkeys(data["project_ids"]))))

    return idempotency.create_once(session, scope, idempotency.Request(key, data), stage)


def list_social_supervisors(
    session: Session, guard: Guard, query: dict[str, Any]
) -> dict[str, Any]:
    guard.require(roles.STAFF, query["area_code"])
    rows = db.supervisors_under(session, areas.require(query["area_code"]).path)
    projects = db.assigned(session, [row.id for row in rows])
    items = [_view(row, projects[row.id]) for row in rows]
    return dump(contract.SupervisorList, {"items": items})


def put_supervisor_projects(
    session: Session, guard: Guard, supervisor_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    row = db.supervisor(session, str(supervisor_id))
    if row is None:
        guard.require(roles.STAFF)
        raise errors.not_found("社会监督员", "social supervisor")
    guard.require(roles.STAFF, row.area_code)
    _check_projects(session, areas.require(row.area_code), data["project_ids"])
    db.assign(session, row.id, data["project_ids"])
    commit_or_conflict(session, CHANGED)
    return dump(contract.SocialSupervisor, _view(row, db.assigned(session, [row.id])[row.id]))


def _me(session: Session, guard: Guard) -> SocialSupervisor:
    me = db.supervisor_of(session, guard.principal.user_id or "")
    if me is None:
        raise guard.forbid(
            "no_social_supervisor",
            "该账号未登记为社会监督员，请联系人大工作人员 (not a registered social supervisor)",
            {},
        )
    return me


def _assigned_project(
    session: Session, guard: Guard, me: SocialSupervisor, project_id: str
) -> Project:
    project = files.project(session, project_id)
    if project is None or not db.is_assigned(session, me.id, project.id):
        raise guard.forbid(
            "not_assigned",
            "只能对分配给您的项目提交观察记录 (observe only the projects assigned to you)",
            {"project_id": project_id},
            project.area_code if project else None,
        )
    return project


def record_observation(
    session: Session, guard: Guard, data: dict[str, Any], key: str | None, now: datetime
) -> dict[str, Any]:
    guard.require(roles.SOCIAL_SUPERVISORS)
    me = _me(session, guard)
    project = _assigned_project(session, guard, me, data["project_id"])
    try:
        domain.check_observed_on(data["observed_on"], business_date())
    except domain.PublicRefused as exc:
        raise errors.invalid(exc.message, exc.field or "observed_on") from exc

    def stage() -> dict[str, Any]:
        row = _new_observation(session, me, project, data, now)
        session.flush()
        return dump(contract.Observation, _observation(row, me.name))

    def counted() -> None:
        OBSERVATIONS_RECORDED.inc(project.level, category=data["category"])

    scope = idempotency.scope_of("observation", guard.principal)
    request = idempotency.Request(key, data)
    return idempotency.create_once(session, scope, request, stage, then=counted)


def _new_observation(
    session: Session, me: SocialSupervisor, project: Project, data: dict[str, Any], now: datetime
) -> Observation:
    """Stage the observation and its line in the file, which names no one."""
    row = Observation(
        id=common.new_id(project.level),
        supervisor_id=me.id,
        project_id=project.id,
        area_code=project.area_code,
        area_path=project.area_path,
        category=data["category"],
        text=data["text"],
        photos=common.dumps(data["photos"]),
        observed_on=data["observed_on"],
        recorded_at=now,
    )
    session.add(row)
    files.add_entry(
        session,
        project.id,
        at=now,
        side=common.PUBLIC,
        kind="observation",
        summary=f"社会监督员观察（{contract.CATEGORY_NAMES[row.category]}）：{row.text[:80]}",
        actor="社会监督员",
        ref=row.id,
        detail={"category": row.category, "observed_on": row.observed_on},
    )
    return row


def _observation(row: Observation, name: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "supervisor_id": row.supervisor_id,
        "supervisor_name": name,
        "project_id": row.project_id,
        "area_code": row.area_code,
        "category": row.category,
        "text": row.text,
        "photos": common.loads(row.photos),
        "observed_on": row.observed_on,
        "recorded_at": row.recorded_at,
        "finding_id": row.finding_id,
    }


def list_observations(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    """Staff: the area's; a social supervisor: their own only."""
    principal = guard.require(roles.OBSERVATION_READ, query["area_code"])
    own = None if principal.has_role(roles.STAFF) else _me(session, guard).id
    place = areas.require(query["area_code"])
    rows = db.observations(session, place.path, query["project_id"], own)
    names = db.supervisor_names(session, {row.supervisor_id for row in rows})
    items = [_observation(row, names.get(row.supervisor_id, "")) for row in rows]
    return dump(contract.ObservationList, {"items": items})


def observation_to_finding(
    session: Session, guard: Guard, observation_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    row = db.observation(session, str(observation_id), lock=True)
    if row is None:
        guard.require(roles.STAFF)
        raise errors.not_found("观察记录", "observation")
    project = common.staff_project(session, guard, row.project_id, roles.STAFF)
    finding = common.raise_finding(session, guard, project, "observation", row, data["text"], now)
    view = common.finding_view(finding)
    commit_or_conflict(session, CHANGED, then=lambda: common.count_finding(project, "observation"))
    return dump(contract.PublicFindingMade, view)
