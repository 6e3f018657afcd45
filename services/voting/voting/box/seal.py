"""Sealing a round: after it, nothing in the box links a token, a ballot and a receipt.

While a round is open, a cast writes its token's spend, its ballot and its receipt in one
transaction: on PostgreSQL the three share an `xmin` (and xids are cluster-wide, one clock with
the roll's), and heap order is cast order; on SQLite the `-wal` holds each cast's page images in
commit order. So sealing, in this order:

1. marks the round sealed and commits: from here no cast lands in it (a cast reads the seal
   under a shared lock), and casts already past their spend finish or roll back first;
2. rewrites the round's tokens, ballots (with new random ids) and receipts, each table in its
   own `secrets`-shuffled order, in ONE transaction: every surviving row of the round then
   carries that transaction's xmin, and its place (ctid, cell) is the shuffle's;
3. scrubs (`servicekit.vacuum`): PostgreSQL VACUUMs the three tables, so the cast-time versions
   leave the heap; SQLite VACUUMs the file and truncates its `-wal`, deleted content zeroed.

Step 1 commits before step 2 so that the rewrite never holds the seal's row while waiting for a
cast's token (the cast waits for the seal: that would be a deadlock on PostgreSQL).
"""

import uuid
from typing import Any

from servicekit import vacuum
from sqlalchemy.orm import Session

from . import store
from .models import Ballot, BallotToken, Receipt

REWRITTEN = (BallotToken.__table__, Ballot.__table__, Receipt.__table__)


def _new_id(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "id": str(uuid.uuid4())}


def seal_round(box: Session, session_id: str, number: int) -> None:
    """Steps 1 and 2, both committed; then `scrub(box)` when the caller's own commit is done."""
    store.seal(box, session_id, number)
    box.commit()  # from here no cast lands in this round, whatever happens next
    for table in REWRITTEN:
        where = (table.c.session_id == session_id, table.c.round == number)
        vacuum.shuffled_rewrite(box, table, where, _new_id if table is Ballot.__table__ else None)
    box.commit()


def scrub(box: Session) -> bool:
    """Step 3: nothing of the cast-time rows left in the heap, the file or its log."""
    return vacuum.scrub(box.get_bind(), [t.name for t in REWRITTEN], rebuild=True)
