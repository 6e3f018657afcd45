"""Merging duplicates: the sources go into one target, which keeps every supporter, channel and
attachment; the sources' tracking codes keep working and say where they went."""

from datetime import datetime
from typing import Any

from servicekit.auth import Guard
from sqlalchemy.orm import Session

from .. import errors
from ..db import intake as proposals
from ..db import supporters as db
from ..domain import intake as rules
from ..metrics import PROPOSALS_MERGED
from . import intake


def _refusal(target: Any, sources: list[Any]) -> str | None:
    """Why these proposals cannot be merged, or None. Checked on locked rows."""
    if any(p.area_code != target.area_code for p in sources):
        return "只能合并同一地区的建议 (all proposals must be of the same area)"
    blocked = [p for p in (target, *sources) if p.status in rules.UNMERGEABLE_STATUSES]
    if blocked:
        codes = "、".join(p.tracking_code for p in blocked)
        return (
            f"已合并或已票决的建议不能合并：{codes} "
            "(merged, adopted or not adopted proposals cannot be merged)"
        )
    accepted = [p for p in sources if p.status == "in_library"]
    if accepted:  # its library item and draft-list places would outlive it
        codes = "、".join(p.tracking_code for p in accepted)
        return (
            f"已入项目库的建议只能作为合并目标：{codes} "
            "(a proposal in the project library can only be a merge target)"
        )
    return None


def _submitter_as_supporter(source: Any, target_id: str, now: datetime) -> dict[str, Any]:
    """The source's submitter backs the target, anonymous or not, with what they asked for."""
    return {
        "id": db.new_id(),
        "proposal_id": target_id,
        "name": source.submitter_name,
        "phone": source.submitter_phone,
        "suggestion": f"{source.title}：{source.description}",
        "channel": source.channel,
        "merged_from_id": source.id,
        "created_at": now,
    }


def _locked(session: Session, guard: Guard, data: dict[str, Any]) -> tuple[Any, list[Any]]:
    target_id = str(data["target_id"])
    source_ids = [str(i) for i in data["source_ids"]]
    rows = {p.id: p for p in db.lock_proposals(session, [target_id, *source_ids])}
    target = rows.get(target_id)
    if target is None:
        guard.require(rules.MERGE_ROLES)
        raise errors.proposal_not_found()
    guard.require(rules.MERGE_ROLES, target.area_code)
    missing = [i for i in source_ids if i not in rows]
    if missing:
        raise errors.proposal_not_found()
    return target, [rows[i] for i in source_ids]


def merge_proposals(
    session: Session, guard: Guard, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """{"target_id", "source_ids"} -> the target's staff detail after the merge."""
    target, sources = _locked(session, guard, data)
    if target.status != "merged" and all(p.merged_into_id == target.id for p in sources):
        session.rollback()  # a retry of a merge that went through: the same answer, no change
        return intake.proposal_detail(session, target)
    refusal = _refusal(target, sources)
    if refusal:
        session.rollback()
        raise errors.merge_refused(refusal, [target.id, *(p.id for p in sources)])
    source_ids = [p.id for p in sources]
    if db.mark_merged(session, source_ids, target.id, rules.UNMERGEABLE_STATUSES) != len(sources):
        session.rollback()  # another merge took one of them between our read and our write
        raise errors.merge_conflict(source_ids)
    db.move_supporters(session, source_ids, target.id)
    db.insert_supporters(session, [_submitter_as_supporter(s, target.id, now) for s in sources])
    session.commit()
    PROPOSALS_MERGED.inc(target.level, len(sources))
    session.expire_all()
    return intake.proposal_detail(session, proposals.proposal_in_scope(session, target.id))
