"""nameko's publishers find their kombu producer pool by a Connection they build anew for every
message — an RPC request in the gateway, its reply in a worker — and building one (parsing the
URI and the options) costs about 0.1 ms a publish. Here the pool's key is built once for each
distinct set of settings and nameko's `get_producer` uses it (`install`, called by
servicekit.runner before the containers start). nameko 2.14.1 is the last of the 2.x line, so
this seam does not move. The key is never connected: the pool opens clones of it.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kombu.connection import Connection
from kombu.pools import producers
from nameko.amqp import publish

_keys: dict[tuple[Any, ...], Connection] = {}
_lock = threading.Lock()


def pool_key(
    amqp_uri: str, ssl: Any, login_method: str | None, options: dict[str, Any]
) -> Connection:
    """The one Connection that names the pool for these settings."""
    settings = (amqp_uri, repr(ssl), login_method, tuple(sorted(options.items())))
    with _lock:
        key = _keys.get(settings)
        if key is None:
            key = _keys[settings] = Connection(
                amqp_uri, transport_options=options, ssl=ssl, login_method=login_method
            )
        return key


@contextmanager
def get_producer(
    amqp_uri: str,
    confirms: bool = True,
    ssl: Any = None,
    login_method: str | None = None,
    transport_options: dict[str, Any] | None = None,
) -> Iterator[Any]:
    """nameko's `get_producer`, with the pool's key built once."""
    base = publish.DEFAULT_TRANSPORT_OPTIONS if transport_options is None else transport_options
    options = {**base, "confirm_publish": confirms}
    with producers[pool_key(amqp_uri, ssl, login_method, options)].acquire(block=True) as producer:
        yield producer


def install() -> None:
    publish.get_producer = get_producer
