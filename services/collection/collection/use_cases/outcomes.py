"""Publishing screening outcomes and answering submitters: two separate steps.

Publishing makes the verdicts of one area and year visible on the public tracking page;
answering tells each submitter (through `proposal_screened_v1`, which petition forwards to a
resident whose matter became the proposal) and is done once per outcome.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from contracts import screening as contract
from contracts.events import PROPOSAL_SCREENED
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors
from ..db import screening as db
from ..domain import screening as domain
from .screening import area_of

SCREENED_FIELDS = ("tracking_code", "area_code", "level", "source_matter_id")


def publish_outcomes(
    session: Session, guard: Guard, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Publish every in_library/rejected verdict of exactly this area and year. Calling again
    publishes only verdicts reached since; proposals still unscreened are counted, not held."""
    guard.require(domain.PUBLISH_ROLES, data["area_code"])
    area = area_of(data["area_code"])
    published = db.publish(session, area.path, data["year"], now)
    unscreened = db.count_with_status(session, area.path, data["year"], "submitted")
    session.commit()
    return dump(
        contract.OutcomesPublished,
        {
            "area_code": area.code,
            "year": data["year"],
            "published": published,
            "unscreened": unscreened,
            "published_at": now,
        },
    )


def screened_event(proposal: Mapping[str, Any], year: int, answered_at: datetime) -> dict[str, Any]:
    """The answer as the event carries it: verdict and public reason, never scores, comments,
    screener ids or the submitter's personal data."""
    return {
        "proposal_id": proposal["id"],
        **{name: proposal[name] for name in SCREENED_FIELDS},
        "year": year,
        "verdict": proposal["status"],
        "reason": proposal["outcome_reason"],
        "answered_at": as_utc(answered_at).isoformat(),
    }


def _row_values(proposal: db.Proposal) -> dict[str, Any]:
    names = ("id", "status", "outcome_reason", *SCREENED_FIELDS)
    return {name: getattr(proposal, name) for name in names}


def answer_submitters(
    session: Session, outbox: OutboxWriter, guard: Guard, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Stage one `proposal_screened_v1` per published (or needs_info) proposal of exactly this
    area and year not yet answered, and mark it answered — all in one transaction.

    Refused (409) when the area and year have nothing answerable at all: answering before
    publishing is a slip in the order of steps, not a no-op. Once something was answered, a
    repeated call answers nothing new and returns 0."""
    guard.require(domain.PUBLISH_ROLES, data["area_code"])
    area = area_of(data["area_code"])
    year = data["year"]
    pending = db.to_answer(session, area.path, year)
    if not pending and not db.any_answerable(session, area.path, year):
        raise errors.nothing_published(area.code, year)
    for proposal in pending:
        payload = screened_event(_row_values(proposal), year, now)  # matched by this year
        outbox.add(
            session, PROPOSAL_SCREENED, payload, area_code=proposal.area_code, level=proposal.level
        )
        proposal.answered_at = now
    session.commit()
    return dump(
        contract.SubmittersAnswered,
        {"area_code": area.code, "year": year, "answered": len(pending), "answered_at": now},
    )
