"""Whether a token's account may still act: a token is signed for 12 hours, and without this a
deactivated account kept every token it had for that long.

The gateway asks the accounts database at most once per ACCOUNT_CHECK_SECONDS (30 s) per
account, so a deactivation (python -m gateway.cli deactivate-account) stops the account's
tokens within that time, at the cost of one indexed read per active account and period.
"""

import time
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from .db import Account

DEFAULT_SECONDS = 30.0  # the promise is "within a minute"
MAX_TRACKED = 100_000  # accounts remembered; the oldest answer is forgotten first


def lookup_in(engine: Engine) -> Callable[[str], bool]:
    """Is the account with this id there and active? A read of the accounts table."""

    def active(user_id: str) -> bool:
        with Session(engine) as session:
            return bool(session.scalar(select(Account.active).where(Account.id == user_id)))

    return active


class Standing:
    def __init__(
        self,
        lookup: Callable[[str], bool],
        seconds: float = DEFAULT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.lookup, self.seconds, self.clock = lookup, seconds, clock
        self.known: OrderedDict[str, tuple[float, bool]] = OrderedDict()

    def active(self, user_id: str) -> bool:
        """The remembered answer if younger than `seconds`, else the database's (which may
        raise: an unreachable database is a 503, never a token let through unchecked)."""
        now = self.clock()
        seen = self.known.get(user_id)
        if seen is not None and now - seen[0] < self.seconds:
            return seen[1]
        answer = self.lookup(user_id)
        self.known[user_id] = (now, answer)
        self.known.move_to_end(user_id)
        if len(self.known) > MAX_TRACKED:
            self.known.popitem(last=False)
        return answer
