"""Fund warnings (资金预警): the rules (versioned data) run over a project's money on every change
and over the whole city by the timer; a warning is a record from raised to resolved.

A warning persists under its key (project, rule, scope): evaluated again it is "seen" (its
figures and rule version updated), gone it is resolved, back again it is a new record. Raising
and resolving each write a feed record. The rules are the latest active version of each code in
the table over the built-in defaults (domain.warning_rules.DEFAULT_RULES).
"""

import re
import time
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from contracts import funds as contract
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.db import commit_or_conflict
from servicekit.validation import dump
from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import funds as db
from ..db.models import FundWarning, Project, WarningRuleVersion
from ..domain import warnings as domain
from ..domain.progress import percent
from ..domain.warning_rules import SEVERITY_NAMES
from ..metrics import WARNINGS_OPEN, WARNINGS_RAISED
from . import feed
from .common import area, dumps, fraction, loads, today


def one_decimal(numerator: int, denominator: int) -> str:
    return percent(Fraction(numerator, denominator))


def _stored(session: Session) -> Sequence[WarningRuleVersion]:
    return session.scalars(
        select(WarningRuleVersion).order_by(
            WarningRuleVersion.code, WarningRuleVersion.version.desc()
        )
    ).all()


_RULES = WarningRuleVersion.__table__
_LATEST_FIRST = select(
    _RULES.c.code, _RULES.c.version, _RULES.c.kind, _RULES.c.params, _RULES.c.title,
    _RULES.c.active,
).order_by(_RULES.c.code, _RULES.c.version.desc())  # fmt: skip
_WARNINGS = FundWarning.__table__
_SEEN = (
    update(_WARNINGS)
    .where(_WARNINGS.c.id == bindparam("warning_id"))
    .values(
        rule_version=bindparam("rule_version"),
        message=bindparam("message"),
        figures=bindparam("figures"),
        seen_at=bindparam("seen_at"),
    )
)
_RESOLVED = (
    update(_WARNINGS)
    .where(_WARNINGS.c.id == bindparam("warning_id"))
    .values(resolved_at=bindparam("resolved_at"), open_key=None)
)


def effective_rules(session: Session) -> list[domain.Rule]:
    """Read on every evaluation, a report's included (a built statement: see db.funds)."""
    latest: dict[str, Any] = {}
    for version in session.execute(_LATEST_FIRST):
        latest.setdefault(version.code, version)
    effective = {rule.code: rule for rule in domain.DEFAULT_RULES}
    for code, version in latest.items():
        if version.active:
            effective[code] = domain.Rule(
                code, version.version, version.kind, loads(version.params), version.title
            )
        else:
            effective.pop(code, None)
    return list(effective.values())


def facts_of(session: Session, rows: Sequence[Project]) -> list[domain.ProjectFacts]:
    ids = [r.id for r in rows if r.budget_version]
    budgets = db.current_budgets(session, ids)
    sums = db.flow_sums(session, ids)
    found = []
    for row in rows:
        if row.id not in budgets:
            continue
        amounts = loads(budgets[row.id].amounts)
        flows = sums.get(row.id, {})
        disbursed = dict(flows.get("disbursement", {}))
        found.append(
            domain.ProjectFacts(
                project_id=row.id,
                year=row.year,
                budget_fen=sum(amounts.values()),
                disbursed_fen=sum(disbursed.values()),
                paid_fen=sum(flows.get("payment", {}).values()),
                physical_progress=min(fraction(row.actual), Fraction(1)),
                budget_by_source=amounts,
                disbursed_by_source=disbursed,
            )
        )
    return found


def _key(project_id: str, rule_code: str, scope: str) -> str:
    return f"{project_id}|{rule_code}|{scope}"


def evaluate_projects(
    session: Session, rows: Sequence[Project], now: datetime, on: date
) -> tuple[list[FundWarning], int]:
    """Stage the warnings of these projects as the rules give them on `on`: (the ones raised,
    how many resolved). The caller commits, then counts the raised ones (`count_raised`).
    Open warnings are read as rows and written by built statements (one batch for those seen
    again): raising, rare, goes through the ORM for the id its feed record names."""
    if not any(r.budget_version for r in rows):
        return [], 0  # no money, no warning: a report on an unbudgeted project costs nothing
    by_id = {r.id: r for r in rows}
    found = domain.evaluate_city(effective_rules(session), facts_of(session, rows), on)
    current = {w.open_key: w for w in db.open_warnings(session, by_id)}
    raised: list[FundWarning] = []
    seen: list[dict[str, Any]] = []
    for warning in found:
        key = _key(*warning.key)
        record = current.pop(key, None)
        if record is None:
            raised.append(_raise(session, by_id[warning.project_id], warning, key, now))
            continue
        seen.append(
            {
                "warning_id": record.id,
                "rule_version": warning.rule_version,
                "message": warning.message,
                "figures": dumps(dict(warning.figures)),
                "seen_at": now,
            }
        )
    if seen:
        session.execute(_SEEN, seen)
    for record in current.values():  # open, and no rule gives it any more
        _feed(session, by_id[record.project_id], record, "resolved", now)
    if current:
        session.execute(
            _RESOLVED, [{"warning_id": r.id, "resolved_at": now} for r in current.values()]
        )
    return raised, len(current)


def _raise(
    session: Session, row: Project, warning: domain.FundWarning, key: str, now: datetime
) -> FundWarning:
    record = FundWarning(
        project_id=row.id,
        area_code=row.area_code,
        area_path=row.area_path,
        level=row.level,
        year=row.year,
        rule_code=warning.rule_code,
        rule_version=warning.rule_version,
        kind=warning.kind,
        severity=warning.severity,
        scope=str(warning.figures.get("scope", "")),
        message=warning.message,
        figures=dumps(dict(warning.figures)),
        raised_at=now,
        seen_at=now,
        open_key=key,
    )
    session.add(record)
    session.flush()  # the id names its feed record
    _feed(session, row, record, "raised", now, warning)
    return record


def count_raised(raised: Iterable[FundWarning]) -> None:
    """After the commit that raised them."""
    for record in raised:
        WARNINGS_RAISED.inc(record.level, kind=record.kind, severity=record.severity)


def _feed(
    session: Session,
    row: Project,
    record: FundWarning | Row[Any],
    state: str,
    now: datetime,
    warning: domain.FundWarning | None = None,
) -> None:
    figures = dict(warning.figures) if warning else loads(record.figures)
    data = {
        "warning_id": record.id,
        "state": state,
        "rule_code": record.rule_code,
        "rule_version": record.rule_version,
        "kind": record.kind,
        "severity": record.severity,
        "message": warning.message if warning else record.message,
        "figures": figures,
    }
    if row.pro_code:  # money needs a budget, and a budget gives the key
        feed.enqueue(
            session, row, "warning", feed.record_id("warning", record.id, state), data, now
        )


def evaluate_area(
    session: Session, area_path: str, now: datetime, on: date, of_level: str | None = None
) -> dict[str, int]:
    """Evaluate and commit every budgeted project under `area_path` (of one level's projects
    when `of_level` says so). A concurrent evaluation that opened the same warning first wins:
    this run is rolled back and tried once more."""
    for attempt in (1, 2):
        rows = [
            r
            for r in db.projects_in(session, area_path)
            if r.budget_version and of_level in (None, r.level)
        ]
        raised, resolved = evaluate_projects(session, rows, now, on)
        try:
            session.commit()
            count_raised(raised)
            break
        except IntegrityError:
            session.rollback()
            if attempt == 2:
                raise
    still_open = db.open_warnings(session, [r.id for r in rows])
    return {
        "projects": len(rows),
        "raised": len(raised),
        "resolved": resolved,
        "open": len(still_open),
    }


def evaluate_nightly(session: Session, level: str, now: datetime) -> None:
    """The timer's run over the whole city, this worker's level's projects; sets the gauge."""
    of_level = None if level == "all" else level
    evaluate_area(session, "/", now, today(), of_level)
    levels = [of_level] if of_level else ["city", "banner", "township"]
    counts = {(lv, kind): 0 for lv in levels for kind in domain.KINDS}
    for record in session.scalars(select(FundWarning).where(FundWarning.resolved_at.is_(None))):
        if (record.level, record.kind) in counts:
            counts[record.level, record.kind] += 1
    for (lv, kind), n in counts.items():
        WARNINGS_OPEN.set(lv, n, kind=kind)


def evaluate_warnings(
    session: Session, guard: Guard, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Evaluate an area now (finance staff), as the timer does for the whole city."""
    place = area(data["area_code"])
    guard.require(roles.FINANCE, place.code)
    started = time.perf_counter()
    counts = evaluate_area(session, place.path, now, today())
    return dump(
        contract.EvaluationResult,
        {"area_code": place.code, **counts, "seconds": round(time.perf_counter() - started, 4)},
    )


def warning_view(record: FundWarning, title: str) -> dict[str, Any]:
    return {
        "id": record.id,
        "project_id": record.project_id,
        "project_title": title,
        "area_code": record.area_code,
        "year": record.year,
        "rule_code": record.rule_code,
        "rule_version": record.rule_version,
        "kind": record.kind,
        "severity": record.severity,
        "severity_name": SEVERITY_NAMES[record.severity],
        "scope": record.scope,
        "message": record.message,
        "figures": loads(record.figures),
        "raised_at": as_utc(record.raised_at),
        "seen_at": as_utc(record.seen_at),
        "resolved_at": as_utc(record.resolved_at) if record.resolved_at else None,
    }


def list_warnings(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    place = area(query["area_code"])
    guard.require(roles.READ, place.code)
    rows, total = db.warnings_page(session, place.path, query, query["page"], query["page_size"])
    return dump(
        contract.WarningPage,
        {
            "items": [warning_view(w, title) for w, title in rows],
            "total": total,
            "page": query["page"],
            "page_size": query["page_size"],
        },
    )


def rule_view(rule: WarningRuleVersion | domain.Rule) -> dict[str, Any]:
    stored = isinstance(rule, WarningRuleVersion)
    return {
        "code": rule.code,
        "version": rule.version,
        "kind": rule.kind,
        "params": loads(rule.params) if stored else dict(rule.params),
        "title": rule.title,
        "active": rule.active if stored else True,
        "reason": rule.reason if stored else "内置默认规则 (built-in default)",
        "changed_by": rule.changed_by if stored else "",
        "changed_at": as_utc(rule.changed_at) if stored else None,
    }


def list_warning_rules(session: Session, guard: Guard) -> dict[str, Any]:
    guard.require(roles.READ)
    stored = list(_stored(session))
    codes = {v.code for v in stored}
    defaults = [r for r in domain.DEFAULT_RULES if r.code not in codes]
    return dump(contract.WarningRules, {"rules": [rule_view(r) for r in [*stored, *defaults]]})


def put_warning_rule(
    session: Session, guard: Guard, code: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """A new version of the rule `code`: checked for its kind, then the next version number
    (a built-in default counts as version 1)."""
    guard.require(roles.RULES)
    if not re.fullmatch(contract.RULE_CODE, code):
        raise errors.invalid(
            "规则编码为小写字母、数字、下划线 (rule code: [a-z][a-z0-9_]*)", "code"
        )
    versions = [v for v in _stored(session) if v.code == code]
    builtin = next((r for r in domain.DEFAULT_RULES if r.code == code), None)
    last = versions[0].version if versions else (builtin.version if builtin else 0)
    try:
        rule = domain.Rule(code, last + 1, data["kind"], data["params"], data["title"])
    except domain.RuleError as problem:
        raise errors.rule(problem.message, {"code": problem.code}) from None
    if (versions and versions[0].kind != rule.kind) or (builtin and builtin.kind != rule.kind):
        raise errors.invalid("规则类型不能修改，请新建规则编码 (a rule keeps its kind)", "kind")
    record = WarningRuleVersion(
        code=code,
        version=rule.version,
        kind=rule.kind,
        params=dumps(dict(rule.params)),
        title=rule.title,
        active=data["active"],
        reason=data["reason"],
        changed_by=guard.principal.user_id or "",
        changed_at=now,
    )
    session.add(record)
    answer = dump(contract.WarningRule, rule_view(record))
    commit_or_conflict(session, "规则正被他人同时修改，请刷新 (rule changed meanwhile: reload)")
    return answer


def warnings_of(session: Session, rows: Iterable[Project]) -> dict[str, int]:
    """Open warnings per project id (the project list and exports show the count)."""
    counts: dict[str, int] = {}
    for record in db.open_warnings(session, [r.id for r in rows]):
        counts[record.project_id] = counts.get(record.project_id, 0) + 1
    return counts
