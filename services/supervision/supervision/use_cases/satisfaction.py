"""The deputies' satisfaction vote (满意度测评): supervision prepares the list of projects with
their latest pre-evaluation and asks voting for a session (satisfaction_vote_requested_v1, the
session id derived from the request's); voting's satisfaction_vote_completed_v1 comes back and
each project is graded, filed, and — graded 不满意 — raised as a finding for the government.

Which projects by default: those of the area itself for the year (Project.area_code equal, not
the sub-areas'): a satisfaction vote is held by the area's own congress on the projects it
chose; a banner's vote does not rate its townships' projects. Staff may name projects of the
area's subtree explicitly.
"""

import json
from datetime import datetime
from fractions import Fraction
from typing import Any

from contracts import supervision_evaluation as contract
from contracts.events import SATISFACTION_VOTE_REQUESTED
from contracts.voting import requested_session_id
from servicekit import areas, idempotency
from servicekit.areas import Area
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import evaluation as db
from ..db.evaluation_models import SatisfactionVote
from ..db.models import Project
from ..domain import satisfaction as grading
from ..metrics import SATISFACTION_VOTES


def _rule(data: dict[str, Any]) -> grading.Rule:
    given = data.get("rule") or {}
    rule = grading.Rule(
        Fraction(given.get("satisfied_above", "0.5")), Fraction(given.get("basically_above", "0.5"))
    )
    problem = rule.problem()
    if problem:
        raise errors.invalid(problem, "rule")
    return rule


def _vote_projects(session: Session, place: Area, data: dict[str, Any]) -> list[Project]:
    ids = data.get("project_ids")
    if ids is None:
        found = db.projects_of_area_year(session, place.code, data["year"])
    else:
        by_id = db.projects_by_id(session, ids)
        wrong = [
            n
            for n, pid in enumerate(ids)
            if pid not in by_id
            or not by_id[pid].area_path.startswith(place.path)
            or by_id[pid].year != data["year"]
        ]
        if wrong:
            message = "项目不存在，或不属于本地区本年度 (unknown project, or another area or year)"
            raise errors.invalid(message, f"project_ids.{wrong[0]}")
        found = [by_id[pid] for pid in dict.fromkeys(ids)]
    if not found:
        raise errors.rule("本地区本年度没有可测评的项目 (no projects of the area and year)")
    return found


def request_vote(
    session: Session,
    outbox: Any,
    guard: Guard,
    data: dict[str, Any],
    key: str | None,
    now: datetime,
) -> dict[str, Any]:
    place = areas.require(data["area_code"])
    principal = guard.require(roles.SATISFACTION_WRITE, place.code)
    rule = _rule(data)

    def stage() -> dict[str, Any]:
        projects = _vote_projects(session, place, data)
        pre = db.latest_pre_evaluations(session, [p.id for p in projects])
        listed = [_listed(p, pre.get(p.id)) for p in projects]
        row = _new_vote(place, data, rule, listed)
        row.requested_by, row.requested_at = principal.user_id or "", now
        session.add(row)
        session.flush()
        payload = _request_payload(row, listed)
        outbox.add(
            session, SATISFACTION_VOTE_REQUESTED, payload, area_code=place.code, level=place.level
        )
        return view(session, row)

    def counted() -> None:
        SATISFACTION_VOTES.inc(place.level, step="requested")

    scope = idempotency.scope_of("satisfaction_vote", principal)
    request = idempotency.Request(key, data)
    return idempotency.create_once(session, scope, request, stage, then=counted)


def _new_vote(
    place: Area, data: dict[str, Any], rule: grading.Rule, listed: list[dict[str, Any]]
) -> SatisfactionVote:
    """The request; its session id is derived from its id, as voting will derive it."""
    vote_id = contract.new_record_id(place.level)
    return SatisfactionVote(
        id=vote_id,
        session_id=requested_session_id(place.level, vote_id),
        area_code=place.code,
        area_path=place.path,
        level=place.level,
        year=data["year"],
        title=data["title"],
        state="requested",
        rule=json.dumps(rule.as_dict()),
        projects=json.dumps(listed, ensure_ascii=False),
    )


def _listed(project: Project, pre: Any) -> dict[str, Any]:
    return {
        "project_id": project.id,
        "title": project.title,
        "pre_evaluation": pre and {"id": pre.id, "total": pre.total, "grade": pre.grade},
    }


def _request_payload(row: SatisfactionVote, listed: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "request_id": row.id,
        "session_id": row.session_id,
        "area_code": row.area_code,
        "level": row.level,
        "year": row.year,
        "title": row.title,
        "projects": [{"project_id": p["project_id"], "title": p["title"]} for p in listed],
        "requested_at": row.requested_at.isoformat(),
    }


def view(session: Session, row: SatisfactionVote) -> dict[str, Any]:
    return dump(contract.SatisfactionVote, _view(session, row))


def _view(session: Session, row: SatisfactionVote) -> dict[str, Any]:
    results = [
        {
            "project_id": r.project_id,
            "title": r.title,
            "satisfied": r.satisfied,
            "basically": r.basically,
            "dissatisfied": r.dissatisfied,
            "abstain": r.abstain,
            "voting": r.voting,
            "grade": r.grade,
            "finding_id": r.finding_id,
        }
        for r in db.results(session, row.id)
    ]
    return {
        "id": row.id,
        "area_code": row.area_code,
        "year": row.year,
        "title": row.title,
        "session_id": row.session_id,
        "state": row.state,
        "rule": json.loads(row.rule),
        "projects": json.loads(row.projects),
        "ballots": json.loads(row.ballots) if row.ballots else None,
        "digest": row.digest,
        "results": results,
        "requested_by": row.requested_by,
        "requested_at": as_utc(row.requested_at),
        "completed_at": as_utc(row.completed_at) if row.completed_at else None,
    }


def get_vote(session: Session, guard: Guard, vote_id: str) -> dict[str, Any]:
    row = db.vote(session, vote_id)
    if row is None:
        raise errors.not_found("满意度测评", "satisfaction vote")
    guard.require(roles.SATISFACTION_READ, row.area_code)
    return view(session, row)


def list_votes(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    place = areas.require(query["area_code"])
    guard.require(roles.SATISFACTION_READ, place.code)
    items = [_view(session, row) for row in db.votes_of(session, place.code, query.get("year"))]
    return dump(contract.SatisfactionVoteList, {"items": items})
