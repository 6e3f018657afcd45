"""Consuming the vote: session_results_announced_v1 marks the candidates' proposals adopted or
not adopted, and records which session decided the list (and its digest) on the candidate list.

Runs inside the consumer's transaction (servicekit.consumer), so the effect and the processed
event id commit together and a redelivered event changes nothing.
"""

import logging
from typing import Any

from sqlalchemy.orm import Session

from ..db import lists as db

log = logging.getLogger(__name__)


def apply_results(session: Session, result: dict[str, Any], event_id: str) -> None:
    """The effect of one announcement (a loaded session_results_announced_v1 payload). An
    unknown list is not ours to fix: warn and move on (the event still counts as processed,
    so it is not redelivered forever)."""
    frozen = db.candidate_list(session, str(result["candidate_list_id"]))
    if frozen is None:
        log.warning(
            "results for an unknown candidate list ignored",
            extra={
                "event_id": event_id,
                "candidate_list_id": str(result["candidate_list_id"]),
                "session_id": result["session_id"],
            },
        )
        return
    on_list = {item["proposal_id"] for item in db.items_of(frozen)}
    elected = {str(c["proposal_id"]) for c in result["candidates"] if c["elected"]} & on_list
    if frozen.results_session_id not in (None, result["session_id"]):
        log.warning(
            "candidate list re-decided by another session",
            extra={"candidate_list_id": frozen.id, "previous": frozen.results_session_id},
        )
    db.set_status(session, elected, "adopted")
    db.set_status(session, on_list - elected, "not_adopted")
    frozen.results_session_id = result["session_id"]
    frozen.results_digest = result["digest"]
    frozen.results_announced_at = result["announced_at"]
