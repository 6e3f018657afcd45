"""`@rpc` for our services: nameko's, made to survive a broker restart (servicekit.broker)."""

import logging
from typing import Any

from nameko.rpc import Rpc, RpcConsumer

from .broker import CONNECTION_ERRORS, BrokerTolerantQueueConsumer

log = logging.getLogger(__name__)


class ReplyTolerantRpcConsumer(RpcConsumer):
    """nameko's RPC consumer, except that a reply the broker cannot take does not kill the
    container. nameko retries the reply publish three times (about 3 s) and then lets the error
    end the container, and `nameko run` exits with it: a broker restart would stop every worker
    for good. The use case has committed by then; only the reply is lost, so the caller times
    out and retries with its Idempotency-Key (tests/faults/test_broker_restart.py)."""

    queue_consumer = BrokerTolerantQueueConsumer()

    def handle_result(self, message: Any, result: Any, exc_info: Any) -> Any:
        try:
            return super().handle_result(message, result, exc_info)
        except CONNECTION_ERRORS as exc:
            log.warning("RPC reply lost, broker unreachable: %s", exc)
            self.queue_consumer.ack_message(message)  # done: no rerun if the channel lives
            return result, exc_info


class ReplyTolerantRpc(Rpc):
    rpc_consumer = ReplyTolerantRpcConsumer()


rpc = ReplyTolerantRpc.decorator
