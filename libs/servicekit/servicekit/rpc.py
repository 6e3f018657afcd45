"""`@rpc` for our services: nameko's, made to survive a broker restart (servicekit.broker),
replying without publisher confirms, and only once the worker's database sessions are closed.

Why close them first: nameko sends the reply before its worker_teardown, so a transaction a
use case left open (a replayed request answered from its idempotency key after taking the
project's lock, a refusal raised after it) would hold its locks for as long as the reply takes
— and while the broker restarts, a reply can hang for minutes: on SQLite every writer, the
outbox relay and the budget feed's pusher included, waited "database is locked" meanwhile.

Why no confirms on replies: a reply is worth nothing once its caller gave up, and a lost reply
is already handled end to end — the caller times out (503) and retries with its
Idempotency-Key, and the committed work is found, not redone. Waiting for the broker's ack cost
about a fifth of the collection worker's CPU per request (py-spy, make bench).
"""

import logging
from typing import Any

from nameko.amqp.publish import Publisher
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    LOGIN_METHOD_CONFIG_KEY,
    NON_PERSISTENT,
    SERIALIZER_CONFIG_KEY,
)
from nameko.rpc import Responder, Rpc, RpcConsumer, get_rpc_exchange

from . import config
from .auth import Principal, refuse_bad_context
from .broker import CONNECTION_ERRORS, BrokerTolerantQueueConsumer
from .context_seal import BadSeal
from .db import Database, unavailable
from .errors import Unauthenticated, expected_with
from .levels import level_of_service, logical_name

log = logging.getLogger(__name__)


class ReplyPublisher(Publisher):  # type: ignore[misc]  # subclasses untyped nameko
    use_confirms = False
    delivery_mode = NON_PERSISTENT  # a reply outliving a broker restart has nobody to read it


class ReplyResponder(Responder):  # type: ignore[misc]  # subclasses untyped nameko
    publisher_cls = ReplyPublisher


class ReplyTolerantRpcConsumer(RpcConsumer):  # type: ignore[misc]  # subclasses untyped nameko
    """nameko's RPC consumer, except that a reply the broker cannot take does not kill the
    container. nameko retries the reply publish three times (about 3 s) and then lets the error
    end the container, and `nameko run` exits with it: a broker restart would stop every worker
    for good. The use case has committed by then; only the reply is lost, so the caller times
    out and retries with its Idempotency-Key (tests/faults/test_broker_restart.py)."""

    queue_consumer = BrokerTolerantQueueConsumer()

    def _responder(self, message: Any) -> ReplyResponder:
        config = self.container.config
        return ReplyResponder(
            config[AMQP_URI_CONFIG_KEY],
            get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER),
            message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY),
            login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
        )

    def handle_result(self, message: Any, result: Any, exc_info: Any) -> Any:
        if exc_info is not None:
            exc_info = as_unavailable(exc_info)
        try:
            result, exc_info = self._responder(message).send_response(result, exc_info)
        except CONNECTION_ERRORS as exc:
            log.warning("RPC reply lost, broker unreachable: %s", exc)
        self.queue_consumer.ack_message(message)  # done: no rerun if the channel lives
        return result, exc_info


def as_unavailable(exc_info: Any) -> Any:
    """A database that cannot be reached answers 503 with the envelope, not a 500."""
    translated = unavailable(exc_info[1])
    if translated is None:
        return exc_info
    return (type(translated), translated, exc_info[2])


class ReplyTolerantRpc(Rpc):  # type: ignore[misc]  # subclasses untyped nameko
    """nameko's @rpc, except that a call whose identity was not sealed by the gateway is
    refused (401) before a worker starts: anyone on the broker can publish a request."""

    rpc_consumer = ReplyTolerantRpcConsumer()

    def __init__(self, expected_exceptions: Any = (), **kwargs: Any):
        super().__init__(expected_exceptions=expected_with(expected_exceptions), **kwargs)

    def setup(self) -> None:
        super().setup()
        self.identity_key = config.identity_key()
        self.service = logical_name(self.container.service_name)
        self.level = level_of_service(self.container.service_name) or "all"

    def handle_result(self, message: Any, worker_ctx: Any, result: Any, exc_info: Any) -> Any:
        for provider in self.container.dependencies:
            if isinstance(provider, Database):
                provider.release(worker_ctx)  # before the reply: see the module docstring
        return super().handle_result(message, worker_ctx, result, exc_info)

    def handle_message(self, body: Any, message: Any) -> None:
        try:
            Principal.from_context(self.unpack_message_headers(message), self.identity_key)
        except BadSeal as problem:
            refuse_bad_context(problem, self.service, self.level, self.method_name)
            # The consumer answers the caller with this error (nameko's RpcConsumer).
            raise Unauthenticated("身份凭证无效或已过期 (identity not sealed or expired)") from None
        super().handle_message(body, message)


rpc = ReplyTolerantRpc.decorator
