"""任务分解方案: every PUT writes the next version with who and why; nothing is overwritten.

Weights are exact fractions that must sum to 1 (the refusal says what is missing or in
excess). A PUT identical to the current plan writes nothing and answers the current version,
so a retried PUT is harmless.
"""

from datetime import date, datetime
from fractions import Fraction
from typing import Any

from contracts import implementation as contract
from contracts.events import PLAN_ADOPTED
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.db import commit_or_conflict
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import projects as db
from ..db.models import PlanVersion, Project
from ..domain.plan import Milestone, PlanError, parse_weight, validate_plan
from ..domain.progress import actual_progress
from ..metrics import PLAN_VERSIONS
from .common import dumps, load_project, loads

PLAN_FIELDS = ("lead_leader", "lead_department", "co_departments", "targets", "start", "deadline")


def milestones_of(version: PlanVersion) -> list[Milestone]:
    return milestones_in(version.body)


def milestones_in(plan_body: str) -> list[Milestone]:
    """The milestones of a plan version's stored body."""
    return [
        Milestone(
            m["key"],
            m["title"],
            Fraction(m["weight"]),
            date.fromisoformat(m["start"]),
            date.fromisoformat(m["due"]),
        )
        for m in loads(plan_body)["milestones"]
    ]


def _milestones(data: dict[str, Any]) -> list[Milestone]:
    found = []
    for n, m in enumerate(data["milestones"]):
        try:
            weight = parse_weight(m["weight"])
        except PlanError as exc:
            raise errors.invalid(exc.message, f"milestones.{n}.weight") from exc
        found.append(Milestone(m["key"], m["title"], weight, m["start"], m["due"]))
    return found


def _body(data: dict[str, Any], milestones: list[Milestone]) -> dict[str, Any]:
    body = {k: data[k] for k in PLAN_FIELDS}
    body["start"], body["deadline"] = data["start"].isoformat(), data["deadline"].isoformat()
    body["milestones"] = [
        {
            "key": m.key,
            "title": m.title,
            "weight": str(m.weight),
            "start": m.start.isoformat(),
            "due": m.due.isoformat(),
        }
        for m in milestones
    ]
    return body


def put_plan(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    project_id: str,
    data: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    row = load_project(session, guard, project_id, roles.WRITE, lock=True)
    if row.status == "completed":
        raise errors.conflict(
            "项目已验收，方案不再修改 (the project is accepted: its plan is final)"
        )
    milestones = _milestones(data)
    try:
        validate_plan(
            milestones, data["start"], data["deadline"], row.year, row.carried_over_to is not None
        )
    except PlanError as exc:
        raise errors.rule(exc.message, exc.details) from exc
    body = _body(data, milestones)
    current = db.plan_version(session, row.id, row.plan_version) if row.plan_version else None
    if current is None or loads(current.body) != body:
        who = guard.principal.user_id or ""
        current = _write_version(session, row, body, data["reason"], who, now)
        # Supervision's file learns of every version, in the version's own transaction.
        outbox.add(
            session,
            PLAN_ADOPTED,
            _adopted_event(row, current, body, now),
            area_code=row.area_code,
            level=row.level,
        )
        commit_or_conflict(
            session,
            "方案正被他人同时修改，请刷新后重试 (the plan changed meanwhile: reload and retry)",
            then=lambda: PLAN_VERSIONS.inc(row.level),
        )
    before = db.plan_version(session, row.id, current.version - 1)
    return dump(contract.PlanVersion, version_view(current, before))


def _write_version(
    session: Session, row: Project, body: dict, reason: str, who: str, now: datetime
) -> PlanVersion:
    version = PlanVersion(
        project_id=row.id,
        version=row.plan_version + 1,
        body=dumps(body),
        reason=reason,
        changed_by=who,
        changed_at=now,
    )
    session.add(version)
    keys = {m["key"] for m in body["milestones"]}
    shares = {k: v for k, v in loads(row.shares).items() if k in keys}  # a dropped milestone
    row.shares = dumps(shares)
    done = {k: Fraction(v) for k, v in shares.items()}
    row.actual = str(actual_progress(milestones_of(version), done))
    row.plan_version = version.version
    row.deadline = date.fromisoformat(body["deadline"])
    row.lead_department = body["lead_department"]
    if row.status == "created":
        row.status = "planned"
    return version


def _adopted_event(
    row: Project, version: PlanVersion, body: dict[str, Any], now: datetime
) -> dict[str, Any]:
    return {
        "project_id": row.id,
        "area_code": row.area_code,
        "level": row.level,
        "year": row.year,
        "version": version.version,
        "lead_leader": body["lead_leader"],
        "lead_department": body["lead_department"],
        "co_departments": list(body["co_departments"]),
        "start": date.fromisoformat(body["start"]),
        "deadline": date.fromisoformat(body["deadline"]),
        "milestones": len(body["milestones"]),
        "reason": version.reason,
        "adopted_at": now,
    }


def changes(before: dict | None, after: dict) -> list[str]:
    """What a version changed, in words a reader of the history wants."""
    if before is None:
        return ["初始方案 (first plan)"]
    said = [
        f"{name}: {before.get(name)} → {after.get(name)}"
        for name in PLAN_FIELDS
        if before.get(name) != after.get(name)
    ]
    old = {m["key"]: m for m in before["milestones"]}
    new = {m["key"]: m for m in after["milestones"]}
    said += [f"新增里程碑 (added) {k}" for k in new.keys() - old.keys()]
    said += [f"删除里程碑 (removed) {k}" for k in old.keys() - new.keys()]
    said += [f"修改里程碑 (changed) {k}" for k in new.keys() & old.keys() if new[k] != old[k]]
    return sorted(said) if said else ["未改动 (no change)"]


def version_view(version: PlanVersion, before: PlanVersion | None) -> dict[str, Any]:
    body = loads(version.body)
    return {
        "version": version.version,
        "changed_by": version.changed_by,
        "changed_at": as_utc(version.changed_at),
        "reason": version.reason,
        "changes": changes(loads(before.body) if before else None, body),
        "plan": body,
    }


def list_plan_versions(session: Session, guard: Guard, project_id: str) -> dict[str, Any]:
    row = load_project(session, guard, project_id, roles.READ)
    versions = list(db.plan_versions(session, row.id))
    shown = [version_view(v, versions[n - 1] if n else None) for n, v in enumerate(versions)]
    return dump(contract.PlanVersions, {"project_id": row.id, "versions": shown})


def plan_dates(session: Session, row: Project) -> tuple[date, date]:
    """The current plan's start and deadline (a project that owes reports has a plan)."""
    version = db.plan_version(session, row.id, row.plan_version)
    assert version is not None
    body = loads(version.body)
    return date.fromisoformat(body["start"]), date.fromisoformat(body["deadline"])
