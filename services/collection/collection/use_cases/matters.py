"""Proposals from petition matters (信访代办 → 民生实事): a deputy turned a resident's matter into
a livelihood proposal; petition says so with `matter_converted_to_proposal_v1`.

One proposal per matter, whatever the broker does: the event id is recorded with the effect
(servicekit.consumer) and `proposals.source_matter_id` is unique, so a redelivery, a duplicate
publication or a second event for the same matter changes nothing. The resident's contact stays
with petition; collection keeps the matter id, which `proposal_screened_v1` carries back.
"""

import logging
from datetime import datetime
from typing import Any

from servicekit import areas
from servicekit.clock import as_utc
from servicekit.consumer import Delivery
from servicekit.outbox import OutboxWriter
from sqlalchemy.orm import Session

from ..db import intake as db
from ..db import matters as queries
from ..domain import intake as domain
from ..metrics import PROPOSALS_SUBMITTED
from . import intake

log = logging.getLogger(__name__)


def _notice(session: Session, area_code: str, moment: datetime) -> tuple[str | None, int]:
    """Open notice, else soonest upcoming, else latest closed, else none; its year, or the
    Beijing year of the conversion."""
    notices = db.notices_of_area(session, area_code)
    windows = [domain.NoticeWindow(n.id, as_utc(n.opens_at), as_utc(n.closes_at)) for n in notices]
    notice_id = domain.notice_for_matter(windows, moment)
    years = {n.id: n.year for n in notices}
    return notice_id, years.get(notice_id or "", domain.beijing_year(moment))


def proposal_from_matter(
    matter: dict[str, Any], area: areas.Area, notice: tuple[str | None, int], now: datetime
) -> dict[str, Any]:
    notice_id, year = notice
    return {
        "id": db.new_id(),
        "tracking_code": domain.new_tracking_code(area.level),
        "notice_id": notice_id,
        "year": year,
        "area_code": area.code,
        "area_path": area.path,
        "level": area.level,
        "channel": "petition",
        "title": matter["title"][:100],
        "description": matter["description"],
        "category": matter["category"],
        "location_text": matter["location_text"][:200],
        "deputy_name": (matter.get("deputy_name") or "")[:50] or None,
        "estimated_cost_fen": None,
        "beneficiaries": None,
        "source_matter_id": matter["matter_id"],
        "status": "submitted",
        "submitted_at": now,
    }


def convert_matter(session: Session, outbox: OutboxWriter, event: Delivery, now: datetime) -> None:
    """Stage the proposal of one matter (the consumer commits it with the event id)."""
    matter = event.payload
    area = areas.require(matter["area_code"])  # raising parks the event in the DLQ, visibly
    if queries.proposal_of_matter(session, matter["matter_id"]) is not None:
        return  # the same matter published again under another event id
    notice = _notice(session, area.code, as_utc(matter["converted_at"]))
    proposal = proposal_from_matter(matter, area, notice, now)
    intake.stage_proposal(session, outbox, proposal)

    def count() -> None:
        PROPOSALS_SUBMITTED.inc(area.level, channel="petition")
        log.info("proposal from matter", extra={"proposal_id": proposal["id"]})

    event.after_commit(count)
