"""What became of a matter converted into a livelihood proposal: collection's answer to the
proposal (`proposal_screened_v1`, which names the matter) is recorded on the matter, once
whatever the broker redelivers, and the resident's tracking page says it."""

from datetime import datetime
from typing import Any

from servicekit.clock import as_utc
from servicekit.db import write_first
from sqlalchemy.orm import Session

from ..db.matters import Matter, MatterProposal, MatterStep
from .common import dumps


def record_screening(session: Session, answer: dict[str, Any], now: datetime) -> None:
    """Stage the answer on the matter it names (the consumer commits it with the event id).
    A proposal from elsewhere names no matter of ours; an older answer arriving late changes
    nothing."""
    matter_id = answer.get("source_matter_id")
    if not matter_id:
        return
    # Two answers delivered at once (competing workers) are applied one after the other: the
    # row lock (FOR UPDATE; SQLite's write lock taken first) makes the later see the earlier.
    write_first(session, MatterProposal.matter_id, matter_id, MatterProposal.answered_at)
    row = session.get(MatterProposal, matter_id, with_for_update=True)
    if row is None or session.get(Matter, matter_id) is None:
        return  # not converted here (another deployment's matter): nothing to tell
    answered = as_utc(answer["answered_at"])
    if row.answered_at is not None and as_utc(row.answered_at) >= answered:
        return
    row.proposal_id = str(answer["proposal_id"])
    row.proposal_tracking_code = answer["tracking_code"]
    row.verdict, row.reason, row.year = answer["verdict"], answer.get("reason"), answer["year"]
    row.answered_at = answered
    session.add(
        MatterStep(
            matter_id=matter_id,
            action="screened",
            level=answer["level"],
            method=None,
            details=dumps({"verdict": answer["verdict"], "year": answer["year"]}),
            by=None,
            at=now,
        )
    )
