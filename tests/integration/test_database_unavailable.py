"""A worker whose database cannot be reached answers 503 with the envelope, not 500, and fast.

A collection container in-process on the real broker, its database URL pointing at 127.0.0.1
ports where PostgreSQL is not: one refuses connections (a stopped server), one accepts them and
never answers (a hung server or a half-open network path), which only the connect timeout ends.
"""

import socket
import time

import pytest
from collection.service import CollectionService
from nameko.containers import ServiceContainer
from nameko.standalone.rpc import ClusterRpcProxy
from servicekit import testing
from servicekit.errors import DatabaseUnavailable
from servicekit.http import error_response
from sqlalchemy.exc import OperationalError

pytestmark = pytest.mark.integration

CONNECT_TIMEOUT = 2


@pytest.fixture
def collection_at(monkeypatch, amqp_uri, tmp_path):
    containers = []

    def start(url: str) -> None:
        monkeypatch.setenv("COLLECTION_DATABASE_URL", url)
        monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT", str(CONNECT_TIMEOUT))
        monkeypatch.setenv("DATA_DIR", str(tmp_path))
        cls = type("CollectionTownship", (CollectionService,), {"name": "collection_township"})
        container = ServiceContainer(cls, {"AMQP_URI": amqp_uri})
        container.start()
        containers.append(container)

    yield start
    for container in containers:
        container.kill()


def call_list_notices(amqp_uri: str) -> float:
    started = time.monotonic()
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as proxy:  # noqa: SIM117
        with pytest.raises(DatabaseUnavailable) as refused:
            proxy.collection_township.list_notices({"area_code": "150622100"})
    assert refused.value.status == 503
    assert refused.value.details == {"retry_after": 5}
    return time.monotonic() - started


def test_a_refused_connection_is_a_503(collection_at, amqp_uri):
    collection_at(f"postgresql+psycopg2://nobody@127.0.0.1:{testing.free_port()}/none")
    assert call_list_notices(amqp_uri) < CONNECT_TIMEOUT


def test_a_server_that_never_answers_is_a_503_after_the_connect_timeout(collection_at, amqp_uri):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # the kernel completes the handshake; nobody ever speaks
    try:
        port = silent.getsockname()[1]
        collection_at(f"postgresql+psycopg2://nobody@127.0.0.1:{port}/none")
        elapsed = call_list_notices(amqp_uri)
    finally:
        silent.close()
    # The pool pings, then connects: at most a couple of timeouts, never the OS's minutes.
    assert CONNECT_TIMEOUT * 0.9 <= elapsed < CONNECT_TIMEOUT * 3 + 2


def test_the_gateways_own_database_down_is_a_503_envelope():
    error = OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))
    response = error_response(error)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json["error"]["code"] == "database_unavailable"
