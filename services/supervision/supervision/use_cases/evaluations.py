"""Evaluations (绩效评价) and pre-evaluations (预评估) by third-party evaluators: scored against
one version of a framework, totalled exactly, graded by its bands; published as
evaluation_recorded_v1 and written in the project's file, in one transaction."""

import base64
import json
from datetime import datetime
from fractions import Fraction
from typing import Any

from contracts import supervision_evaluation as contract
from contracts.events import EVALUATION_RECORDED
from contracts.reports import ExportFile
from servicekit import areas, idempotency
from servicekit.areas import Area
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.errors import ValidationFailed
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import evaluation as db
from ..db import files
from ..db.evaluation_models import Evaluation, FrameworkVersion
from ..db.models import Project
from ..domain import evaluation as rules
from ..evaluation_documents import evaluation_docx
from ..metrics import EVALUATIONS_RECORDED

KIND_NAMES = {"evaluation": "绩效评价", "pre_evaluation": "预评估"}


def _subject(session: Session, data: dict[str, Any]) -> tuple[Area, Project | None]:
    """What is evaluated: a project, or a special fund of an area (never both)."""
    if data.get("project_id"):
        if data.get("fund") or data.get("area_code"):
            raise errors.invalid("项目与专项资金只能二选一 (a project or a fund, not both)", "fund")
        project = files.project(session, data["project_id"])
        if project is None:
            raise errors.project_not_found()
        return areas.require(project.area_code), project
    if not (data.get("fund") and data.get("area_code")):
        message = "请指定项目，或专项资金名称及地区 (give project_id, or fund and area_code)"
        raise errors.invalid(message, "project_id")
    return areas.require(data["area_code"]), None


def _framework(
    session: Session, data: dict[str, Any], place: Area, project: Project | None
) -> FrameworkVersion:
    row = db.framework(session, data["framework_id"])
    shown = row and db.version(session, row.id, data["framework_version"])
    if row is None or not shown:
        raise errors.invalid("指标体系或其版本不存在 (unknown framework version)", "framework_id")
    if not place.path.startswith(row.area_path):
        raise errors.rule("该指标体系不适用于本地区 (the framework is another area's)")
    if row.scope != ("project" if project else "fund"):
        raise errors.rule("指标体系适用范围不符 (the framework's scope is not this subject's)")
    return shown


def _total(shown: FrameworkVersion, scores: dict[str, Any]) -> tuple[Fraction, str]:
    leaves = rules.check_framework(json.loads(shown.indicators), shown.weight_unit)
    try:
        total = rules.weighted_total(leaves, scores)
    except rules.ScoresRefused as refused:
        raise ValidationFailed(
            refused.message, {"scores": {key: [refused.message] for key in refused.keys}}
        ) from refused
    bands = [(b["grade"], rules.exact(b["min"])) for b in json.loads(shown.grade_bands)]
    return total, rules.grade_of(total, bands)


def record_evaluation(
    session: Session,
    outbox: Any,
    guard: Guard,
    data: dict[str, Any],
    key: str | None,
    now: datetime,
) -> dict[str, Any]:
    place, project = _subject(session, data)
    principal = guard.require(roles.EVALUATION_WRITE, place.code)
    shown = _framework(session, data, place, project)
    total, grade = _total(shown, data["scores"])

    def stage() -> dict[str, Any]:
        row = _row(data, place, project, shown, total, grade)
        row.recorded_by, row.recorded_at = principal.user_id or "", now
        session.add(row)
        session.flush()
        _publish(session, outbox, row, total, project)
        return view(row, shown, project)

    def counted() -> None:
        EVALUATIONS_RECORDED.inc(place.level, kind=data["kind"], grade=grade)

    scope = idempotency.scope_of("evaluation", principal)
    request = idempotency.Request(key, data)
    return idempotency.create_once(session, scope, request, stage, then=counted)


def _row(
    data: dict[str, Any],
    place: Area,
    project: Project | None,
    shown: FrameworkVersion,
    total: Fraction,
    grade: str,
) -> Evaluation:
    return Evaluation(
        id=contract.new_record_id(place.level),
        kind=data["kind"],
        framework_id=shown.framework_id,
        framework_version=shown.version,
        project_id=project.id if project else None,
        fund=data.get("fund"),
        area_code=place.code,
        area_path=place.path,
        level=place.level,
        year=data["year"],
        scores=json.dumps({k: str(v) for k, v in data["scores"].items()}, sort_keys=True),
        total_exact=rules.fraction_text(total),
        total=rules.one_decimal(total),
        grade=grade,
        remarks=data["remarks"],
        attachments=json.dumps(data["attachments"], ensure_ascii=False, default=str),
    )


def _publish(
    session: Session, outbox: Any, row: Evaluation, total: Any, project: Project | None
) -> None:
    payload = {
        "evaluation_id": row.id,
        "project_id": row.project_id,
        "fund": row.fund,
        "area_code": row.area_code,
        "level": row.level,
        "year": row.year,
        "kind": row.kind,
        "framework_id": row.framework_id,
        "framework_version": row.framework_version,
        "total": rules.exact_text(total),
        "grade": row.grade,
        "recorded_at": row.recorded_at.isoformat(),
    }
    outbox.add(session, EVALUATION_RECORDED, payload, area_code=row.area_code, level=row.level)
    if project is not None:
        files.add_entry(
            session,
            project.id,
            at=row.recorded_at,
            side="supervision",
            kind="evaluation_recorded",
            summary=f"第三方{KIND_NAMES[row.kind]}：{row.total} 分，{row.grade}",
            actor="第三方评价机构",
            ref=row.id,
            detail={"total": row.total, "grade": row.grade, "kind": row.kind},
        )


def view(row: Evaluation, shown: FrameworkVersion, project: Project | None) -> dict[str, Any]:
    return dump(contract.Evaluation, _view(row, shown.name, project.title if project else None))


def _view(row: Evaluation, framework_name: str, title: str | None) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "framework_id": row.framework_id,
        "framework_version": row.framework_version,
        "framework_name": framework_name,
        "project_id": row.project_id,
        "project_title": title,
        "fund": row.fund,
        "area_code": row.area_code,
        "year": row.year,
        "scores": json.loads(row.scores),
        "total": row.total,
        "total_exact": row.total_exact,
        "grade": row.grade,
        "remarks": row.remarks,
        "attachments": json.loads(row.attachments),
        "recorded_by": row.recorded_by,
        "recorded_at": as_utc(row.recorded_at),
    }


def _load(session: Session, guard: Guard, evaluation_id: str) -> tuple[Evaluation, Any, Any]:
    row = db.evaluation(session, evaluation_id)
    if row is None:
        raise errors.not_found("评价记录", "evaluation")
    guard.require(roles.EVALUATION_READ, row.area_code)
    shown = db.version(session, row.framework_id, row.framework_version)
    project = files.project(session, row.project_id) if row.project_id else None
    return row, shown, project


def get_evaluation(session: Session, guard: Guard, evaluation_id: str) -> dict[str, Any]:
    row, shown, project = _load(session, guard, evaluation_id)
    return view(row, shown, project)


def list_evaluations(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    place = areas.require(query["area_code"])
    guard.require(roles.EVALUATION_READ, place.code)
    rows = db.evaluations_of(session, place.path, query.get("year"), query.get("kind"))
    names = {(r.framework_id, r.framework_version): "" for r in rows}
    for framework_id, number in names:
        shown = db.version(session, framework_id, number)
        names[(framework_id, number)] = shown.name if shown else ""
    titles = {
        p.id: p.title
        for p in db.projects_by_id(session, [r.project_id for r in rows if r.project_id]).values()
    }
    items = [
        _view(r, names[(r.framework_id, r.framework_version)], titles.get(r.project_id or ""))
        for r in rows
    ]
    return dump(contract.EvaluationList, {"items": items})


def evaluation_report(session: Session, guard: Guard, evaluation_id: str) -> dict[str, Any]:
    """The evaluation report (绩效评价报告) as a Word document."""
    row, shown, project = _load(session, guard, evaluation_id)
    content = evaluation_docx(_view(row, shown.name, project.title if project else None), shown)
    subject = project.title if project else row.fund
    return dump(
        ExportFile,
        {
            "file_name": f"{KIND_NAMES[row.kind]}报告_{subject}_{row.year}.docx",
            "ascii_file_name": f"evaluation-{row.id}.docx",
            "content_type": contract.DOCX,
            "content_base64": base64.b64encode(content).decode("ascii"),
        },
    )
