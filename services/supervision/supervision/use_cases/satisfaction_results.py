"""satisfaction_vote_completed_v1 applied: each project graded by the vote's rule, a line in
its file, and a finding for the government on every project graded 不满意 — once, whatever is
redelivered or republished (the vote row, locked, moves from `requested` only once)."""

import json
from collections.abc import Callable
from datetime import datetime
from fractions import Fraction
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from ..db import evaluation as db
from ..db import files, findings
from ..db.evaluation_models import SatisfactionResult, SatisfactionVote
from ..db.models import Project
from ..domain import satisfaction as grading
from ..metrics import SATISFACTION_GRADES, SATISFACTION_VOTES

RAISED_BY = "satisfaction_vote"  # not a person: the deputies' vote raised it


def apply_completed(
    session: Session,
    fact: dict[str, Any],
    now: datetime,
    after_commit: Callable[[Callable[[], None]], None] = lambda action: None,
) -> str | None:
    """Stage the results (the consumer commits with the processed event); the vote's new state,
    or None when nothing changed (a vote supervision did not ask for, or already applied)."""
    row = db.vote_by_session(session, fact["session_id"])
    if row is None or row.state != "requested":
        return None
    row.completed_at = fact["completed_at"]
    row.ballots = json.dumps(fact["ballots"], sort_keys=True)
    row.digest = fact["digest"]
    row.state = "void" if fact["void"] else "completed"
    if not fact["void"]:
        rule = json.loads(row.rule)
        shares = grading.Rule(Fraction(rule["satisfied_above"]), Fraction(rule["basically_above"]))
        for result in fact["projects"]:
            grade = _grade(session, row, result, fact["ballots"]["valid"], shares, now)
            after_commit(partial(SATISFACTION_GRADES.inc, row.level, grade=grade or "none"))
    after_commit(partial(SATISFACTION_VOTES.inc, row.level, step=row.state))
    return row.state


def _grade(
    session: Session,
    vote: SatisfactionVote,
    result: dict[str, Any],
    voting: int,
    rule: grading.Rule,
    now: datetime,
) -> str | None:
    grade = grading.grade(result["satisfied"], result["basically"], voting, rule)
    row = SatisfactionResult(
        vote_id=vote.id,
        project_id=result["project_id"],
        title=result["title"],
        area_path=vote.area_path,
        year=vote.year,
        satisfied=result["satisfied"],
        basically=result["basically"],
        dissatisfied=result["dissatisfied"],
        abstain=result["abstain"],
        voting=voting,
        grade=grade,
    )
    session.add(row)
    project = files.project(session, result["project_id"])
    if project is not None:  # a project supervision never saw: counted, nothing to file
        _file(session, vote, row, project, now)
    return grade


def _file(
    session: Session,
    vote: SatisfactionVote,
    row: SatisfactionResult,
    project: Project,
    now: datetime,
) -> None:
    """The project's file line, and for 不满意 the finding the government will see."""
    counts = (
        f"满意 {row.satisfied}、基本满意 {row.basically}、"
        f"不满意 {row.dissatisfied}、弃权 {row.abstain}"
    )
    files.add_entry(
        session,
        project.id,
        at=vote.completed_at or now,
        side="supervision",
        kind="satisfaction_graded",
        summary=f"代表满意度测评：{row.grade or '无有效票'}（{counts}）",
        actor="人大代表",
        ref=vote.id,
        detail={"grade": row.grade, "voting": row.voting},
    )
    if row.grade == grading.DISSATISFIED:
        _flag(session, vote, row, project, counts, now)


def _flag(
    session: Session,
    vote: SatisfactionVote,
    row: SatisfactionResult,
    project: Project,
    counts: str,
    now: datetime,
) -> None:
    """不满意: a finding on the project, which the government's staff see with the others."""
    finding = findings.add_finding(
        session,
        project,
        source="satisfaction",
        source_ref=vote.id,
        text=f"代表满意度测评结果为不满意（{counts}，有效票 {row.voting}），请整改 "
        "(graded 不满意 by the deputies' satisfaction vote)",
        photos=[],
        raised_by=RAISED_BY,
        now=now,
    )
    session.flush()
    row.finding_id = finding.id
    files.add_entry(
        session,
        project.id,
        at=now,
        side="supervision",
        kind="finding_raised",
        summary="满意度测评不满意，作为问题交政府整改",
        actor="人大代表",
        ref=finding.id,
    )
