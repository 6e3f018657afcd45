"""The budget online supervision system feed's routes (预算联网监督系统): the delivery status
of each record pushed, and the requeue of a dead one.

The list goes to the level of `area_code`. A record id names no level (records are keyed by
the receiver's record id, a UUID), so the requeue goes to the caller's level: every level's
workers share the database, and the service checks the record's area itself.
"""

from contracts import funds as f
from contracts.funds import FundsRpc as Rpc
from contracts.implementation import IMPLEMENTATION

from ...table import Area, CallerArea
from ...table.route import routes_of
from . import roles

route = routes_of(IMPLEMENTATION, "implementation")

ROUTES = (
    route(
        "get",
        "/api/v1/feed-records",
        Rpc.list_feed_records,
        "预算联网监督推送记录及送达状态 (the feed records and their delivery status)",
        roles=roles.FEED_READ,
        where=Area.query(),
        query=f.FeedQuery,
        response=f.FeedPage,
    ),
    route(
        "post",
        "/api/v1/feed-records/<string:record_id>/retry",
        Rpc.retry_feed_record,
        "重新推送失败的记录（重置尝试次数）(requeue a dead record with a full set of attempts)",
        roles=roles.FINANCE,
        where=CallerArea(),
        response=f.FeedRecord,
        refuses=(409,),
    ),
)
