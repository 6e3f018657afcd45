"""A proposal's supporters and attachments, and the staff detail that shows them with every
channel the proposal came through. Personal data (names, phones) appears only here."""

from datetime import datetime, timedelta
from typing import Any

from contracts.reference import MAX_ATTACHMENTS
from contracts.rpc import Attachment as AttachmentOut
from contracts.rpc import MergedSource
from contracts.rpc import Supporter as SupporterOut
from servicekit import idempotency
from servicekit.auth import Guard
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors
from ..db import intake as proposals
from ..db import supporters as db
from ..domain import intake as domain
from ..storage import AttachmentStore


def supporter_rows(
    proposal_id: str, channel: str, supporters: list[dict[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    return [
        {
            "id": db.new_id(),
            "proposal_id": proposal_id,
            "name": item.get("name"),
            "phone": item.get("phone"),
            "suggestion": item["suggestion"],
            "channel": channel,
            "merged_from_id": None,
            # a microsecond apart: the list reads back in the order it was handed in
            "created_at": now + timedelta(microseconds=position),
        }
        for position, item in enumerate(supporters)
    ]


def attachment_rows(
    proposal_id: str, attachments: list[dict[str, Any]], store: AttachmentStore, now: datetime
) -> list[dict[str, Any]]:
    return [
        {
            "id": db.new_id(),
            "proposal_id": proposal_id,
            **{k: item[k] for k in ("file_name", "content_type", "size_bytes", "sha256")},
            "storage_uri": store.location(item["sha256"], item["content_type"]),
            "created_at": now,
        }
        for item in attachments
    ]


def record(
    session: Session, store: AttachmentStore, proposal: dict[str, Any], data: dict, now: datetime
) -> None:
    """The supporters and attachments handed in with a new proposal (the caller's transaction)."""
    supporters = supporter_rows(proposal["id"], proposal["channel"], data["supporters"], now)
    db.insert_supporters(session, supporters)
    db.insert_attachments(session, attachment_rows(proposal["id"], data["attachments"], store, now))


def _open_proposal(session: Session, guard: Guard, proposal_id: str, roles: frozenset[str]):
    """The proposal, if the caller may touch it; a merged one sends them to its target."""
    proposal = proposals.proposal_in_scope(session, proposal_id)
    if proposal is None:
        guard.require(roles)
        raise errors.proposal_not_found()
    principal = guard.require(roles, proposal.area_code)
    if proposal.status == "merged":
        raise errors.proposal_merged(proposal.id, proposal.merged_into_id)
    return proposal, principal


def add_supporter(
    session: Session,
    guard: Guard,
    proposal_id: str,
    data: dict[str, Any],
    raw: dict[str, Any],
    idempotency_key: str | None,
    now: datetime,
) -> dict[str, Any]:
    proposal = proposals.proposal_in_scope(session, proposal_id)
    channel = data.get("channel") or (proposal.channel if proposal else "online")
    roles = domain.CHANNEL_ROLES.get(channel) or domain.STAFF_ROLES
    proposal, principal = _open_proposal(session, guard, proposal_id, roles)
    scope = idempotency.scope_of("supporter", principal)
    request = idempotency.Request(idempotency_key, {"proposal_id": proposal.id, "body": raw})

    def create() -> dict[str, Any]:
        rows = supporter_rows(proposal.id, channel, [data], now)
        db.insert_supporters(session, rows)
        return dump(SupporterOut, rows[0])

    return idempotency.create_once(session, scope, request, create)


def add_attachment(
    session: Session,
    guard: Guard,
    store: AttachmentStore,
    proposal_id: str,
    data: dict[str, Any],
    request: tuple[dict[str, Any], str | None],
    now: datetime,
) -> dict[str, Any]:
    raw, idempotency_key = request
    proposal, principal = _open_proposal(session, guard, proposal_id, domain.ATTACHMENT_ROLES)
    scope = idempotency.scope_of("attachment", principal)
    request = idempotency.Request(idempotency_key, {"proposal_id": proposal.id, "body": raw})

    def create() -> dict[str, Any]:
        if db.count_attachments(session, proposal.id) >= MAX_ATTACHMENTS:
            raise errors.too_many_attachments(MAX_ATTACHMENTS)
        rows = attachment_rows(proposal.id, [data], store, now)
        db.insert_attachments(session, rows)
        return dump(AttachmentOut, rows[0])

    return idempotency.create_once(session, scope, request, create)


def detail(session: Session, proposal: Any, view: dict[str, Any]) -> dict[str, Any]:
    """`view` (the staff view of `proposal`) with its supporters, attachments, channels and
    merged sources. A merged source's own supporters moved to the target when merging."""
    sources = db.merged_sources(session, proposal.id)
    channels = dict.fromkeys([proposal.channel, *(s.channel for s in sources)])
    supporters = db.supporters_of(session, proposal.id)
    channels.update(dict.fromkeys(s.channel for s in supporters))
    attachments = db.attachments_of(session, [proposal.id, *(s.id for s in sources)])
    return {
        **view,
        "channels": list(channels),
        "supporters": dump(SupporterOut, supporters, many=True),
        "attachments": dump(AttachmentOut, attachments, many=True),
        "merged_from": dump(MergedSource, sources, many=True),
    }
