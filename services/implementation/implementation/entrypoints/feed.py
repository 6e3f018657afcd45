"""The feed to the budget online supervision system (预算联网监督系统): the pusher's timer, the
delivery status of each record, and the requeue of a dead one."""

from typing import Any

from contracts import funds as contract
from nameko.timer import timer
from servicekit.clock import utcnow
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import feed, feed_push

# Seconds between pushes: a record leaves about this long after its change committed. An idle
# tick is one read; the feed off, no query at all.
PUSH_INTERVAL_SECONDS = 2


class FeedEntrypoints:
    """Mixed into ImplementationService, which provides `db`, `auth` and `feed`."""

    db: Any
    auth: Any
    feed: Any

    @timer(interval=PUSH_INTERVAL_SECONDS)
    def push_feed(self) -> None:
        feed_push.push_due(self.db, self.feed, self.auth.level)

    @rpc
    def list_feed_records(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "state"} -> a page of feed records with their delivery status, newest
        first, the counts by state and whether the feed is on"""
        data = load(contract.FeedQuery, query)
        return feed.list_feed_records(self.db, self.auth, self.feed.settings, data)

    @rpc
    def retry_feed_record(self, record_id: str) -> dict[str, Any]:
        """ "9b2f…" -> the dead record, pending again with a full set of attempts"""
        return feed.retry_feed_record(self.db, self.auth, record_id, utcnow())
