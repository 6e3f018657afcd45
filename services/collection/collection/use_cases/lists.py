"""Area settings, draft lists, versions and diffs, and the frozen candidate list (the rounds
that revise a list are in `use_cases.rounds`).

Every write locks its draft list row (PostgreSQL; SQLite serialises writers anyway) and commits
once; the primary keys of rounds and versions and the unique draft list of a candidate list turn
a lost race into a 409 instead of a second round, version or list.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from contracts import lists as contract
from contracts.events import CANDIDATE_LIST_FROZEN
from contracts.reference import CATEGORIES
from servicekit import areas, idempotency
from servicekit.auth import Guard, Principal
from servicekit.clock import as_utc
from servicekit.db import commit_or_conflict
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors
from ..db import lists as db
from ..domain import lists as domain
from ..metrics import LISTS_FROZEN
from .intake import _area
from .list_views import candidate_list_view, draft_list_view, frozen_payload, version_view


def _number(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise errors.bad_number(name)
    return value


def _draft_for(
    session: Session, guard: Guard, draft_list_id: str, roles: frozenset[str], lock: bool = False
) -> db.DraftList:
    """The draft list if the caller may act on it; unknown ids are 404 only for staff."""
    draft = db.draft_list(session, str(draft_list_id), lock)
    if draft is None:
        guard.require(roles)
        raise errors.draft_list_not_found()
    guard.require(roles, draft.area_code)
    return draft


def _refuse(refusal: domain.Refusal | None) -> None:
    if refusal is not None:
        raise (errors.list_conflict if refusal.kind == "conflict" else errors.list_rule)(
            refusal.message
        )


def _commit(session: Session, then: Callable[[], None] | None = None) -> None:
    commit_or_conflict(
        session,
        "清单已被他人同时修改，请刷新后重试 (the list changed meanwhile; reload and retry)",
        then,
    )


# ---- area settings ----------------------------------------------------------------------------
def _settings(session: Session, area_code: str) -> tuple[int, int, db.AreaSettings | None]:
    row = db.settings_of(session, area_code)
    if row is None:
        return domain.DEFAULT_ROUNDS, domain.DEFAULT_RATIO_PERMILLE, None
    return row.rounds, row.differential_ratio_permille, row


def _settings_view(session: Session, area_code: str) -> dict[str, Any]:
    rounds, ratio, row = _settings(session, area_code)
    return dump(
        contract.AreaSettings,
        {
            "area_code": area_code,
            "rounds": rounds,
            "differential_ratio_permille": ratio,
            "is_default": row is None,
            "updated_at": as_utc(row.updated_at) if row else None,
        },
    )


def get_area_settings(session: Session, guard: Guard, area_code: str) -> dict[str, Any]:
    area = _area(str(area_code))
    guard.require(domain.READ_ROLES, area.code)
    return _settings_view(session, area.code)


def update_area_settings(
    session: Session, guard: Guard, area_code: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    area = _area(str(area_code))
    principal = guard.require(domain.SETTINGS_ROLES, area.code)
    row = db.settings_of(session, area.code) or db.AreaSettings(area_code=area.code)
    row.rounds = data["rounds"]
    row.differential_ratio_permille = data["differential_ratio_permille"]
    row.updated_by = principal.user_id or ""
    row.updated_at = now
    session.add(row)
    _commit(session)
    return _settings_view(session, area.code)


# ---- draft lists ------------------------------------------------------------------------------
def _library_snapshot(row: db.LibraryItem) -> dict[str, Any]:
    return domain.snapshot({name: getattr(row, name) for name in domain.ITEM_FIELDS})


def _initial_items(session: Session, data: dict[str, Any]) -> list[dict[str, Any]]:
    wanted = [str(pid) for pid in data["proposal_ids"]] if data.get("proposal_ids") else None
    rows = db.library_items(session, data["area_code"], data["year"], wanted)
    items = {row.proposal_id: _library_snapshot(row) for row in rows}
    if wanted is None:
        if not items:
            raise errors.list_rule(
                "本地区本年度项目库中还没有项目，无法生成草拟清单 "
                "(the project library of this area and year is empty)"
            )
        return domain.library_order(items.values(), CATEGORIES)
    missing = {pid: domain.NOT_IN_LIBRARY for pid in wanted if pid not in items}
    if missing:
        raise errors.items_invalid(missing)
    return [items[pid] for pid in wanted]  # the order the caller chose


def create_draft_list(
    session: Session,
    guard: Guard,
    data: dict[str, Any],
    raw: dict[str, Any],
    idempotency_key: str | None,
    now: datetime,
) -> dict[str, Any]:
    area = _area(data["area_code"])
    principal = guard.require(domain.BUILD_ROLES, area.code)
    scope = idempotency.scope_of("draft_list", principal)
    request = idempotency.Request(idempotency_key, raw)
    return idempotency.create_once(
        session, scope, request, lambda: _stage_draft_list(session, area, principal, data, now)
    )


def _stage_draft_list(
    session: Session, area: areas.Area, principal: Principal, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    items = _initial_items(session, data)
    rounds, _, _ = _settings(session, area.code)
    draft = db.DraftList(
        id=db.new_id(),
        area_code=area.code,
        area_path=area.path,
        level=area.level,
        year=data["year"],
        title=data["title"],
        rounds_planned=rounds,
        status="drafting",
        created_by=principal.user_id or "",
        created_at=now,
    )
    session.add(draft)
    session.flush()
    session.add(_new_version(draft.id, 0, items, {}, principal.user_id, now))
    session.flush()
    return draft_list_view(session, draft)


def _new_version(
    draft_list_id: str,
    number: int,
    items: list[dict[str, Any]],
    reasons: dict[str, str],
    user_id: str | None,
    now: datetime,
) -> db.DraftListVersion:
    return db.DraftListVersion(
        draft_list_id=draft_list_id,
        number=number,
        items=db.to_json(items),
        reasons=db.to_json(reasons),
        content_hash=domain.content_hash(items),
        created_by=user_id or "",
        created_at=now,
    )


def list_draft_lists(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    area = _area(query["area_code"])
    guard.require(domain.READ_ROLES, area.code)
    rows = db.draft_lists(session, area.code, query.get("year"))
    return {"items": [draft_list_view(session, row, summary=True) for row in rows]}


def get_draft_list(session: Session, guard: Guard, draft_list_id: str) -> dict[str, Any]:
    return draft_list_view(session, _draft_for(session, guard, draft_list_id, domain.READ_ROLES))


def _round_state(session: Session, draft_list_id: str) -> tuple[int | None, int]:
    rounds = db.rounds(session, draft_list_id)
    open_round = next((r.number for r in rounds if r.status == "open"), None)
    return open_round, sum(1 for r in rounds if r.status == "closed")


# ---- versions ---------------------------------------------------------------------------------
def _version(session: Session, draft_list_id: str, number: int) -> db.DraftListVersion:
    row = db.version(session, draft_list_id, number)
    if row is None:
        raise errors.version_not_found(number)
    return row


def get_version(session: Session, guard: Guard, draft_list_id: str, number: Any) -> dict[str, Any]:
    draft = _draft_for(session, guard, draft_list_id, domain.READ_ROLES)
    return version_view(_version(session, draft.id, _number(number, "version")))


def diff_versions(
    session: Session, guard: Guard, draft_list_id: str, query: dict[str, Any]
) -> dict[str, Any]:
    """Non-adjacent versions: the reasons of each version after `from` up to `to`, latest wins."""
    draft = _draft_for(session, guard, draft_list_id, domain.READ_ROLES)
    low, high = query["from"], query["to"]
    if low > high:
        raise errors.items_invalid({"from": "起始版本不能晚于目标版本 (from must not exceed to)"})
    rows = db.versions(session, draft.id, low, high)
    if not rows or rows[-1].number != high:  # versions run 0, 1, … without gaps
        raise errors.version_not_found(high)
    reasons = domain.merged_reasons([db.reasons_of(v) for v in rows[1:]])
    difference = domain.diff(db.items_of(rows[0]), db.items_of(rows[-1]), reasons)
    body = {"draft_list_id": draft.id, "from_version": low, "to_version": high, **difference}
    return dump(contract.VersionDiff, body)


# ---- freezing ---------------------------------------------------------------------------------
def freeze_list(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    draft_list_id: str,
    data: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """Fix the latest version as the candidate list and stage candidate_list_frozen_v1 with it."""
    draft = _draft_for(session, guard, draft_list_id, domain.BUILD_ROLES, lock=True)
    _refuse(domain.FROZEN if draft.status == "frozen" else None)
    current, done = _round_state(session, draft.id)
    latest = _version(session, draft.id, db.latest_version_number(session, draft.id))
    items = db.items_of(latest)
    _, ratio, _ = _settings(session, draft.area_code)
    seats = data["seats"]
    _refuse(domain.freeze_refusal(done, draft.rounds_planned, current, seats, len(items), ratio))
    candidates = [{"position": i, **item} for i, item in enumerate(items, start=1)]
    frozen = db.CandidateList(
        id=db.new_id(),
        draft_list_id=draft.id,
        version_number=latest.number,
        area_code=draft.area_code,
        area_path=draft.area_path,
        level=draft.level,
        year=draft.year,
        seats=seats,
        differential_ratio_permille=ratio,
        items=db.to_json(candidates),
        content_hash=domain.content_hash(candidates),
        frozen_by=guard.principal.user_id or "",
        frozen_at=now,
    )
    session.add(frozen)
    draft.status = "frozen"
    session.flush()
    outbox.add(
        session,
        CANDIDATE_LIST_FROZEN,
        frozen_payload(frozen),
        area_code=draft.area_code,
        level=draft.level,
    )
    view = candidate_list_view(frozen)
    _commit(session, LISTS_FROZEN.labels(draft.level).inc)
    return view


def get_candidate_list(session: Session, guard: Guard, candidate_list_id: str) -> dict[str, Any]:
    row = db.candidate_list(session, str(candidate_list_id))
    if row is None:
        guard.require(domain.READ_ROLES)
        raise errors.candidate_list_not_found()
    guard.require(domain.READ_ROLES, row.area_code)
    return candidate_list_view(row)
