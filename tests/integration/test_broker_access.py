"""Who may do what on the broker (issue 11 item 2), against a private RabbitMQ node of this test.

The node loads the definitions `python -m servicekit.brokerusers` writes (as compose's
broker-users job does), so it has one user per service and no guest, and it listens with TLS
on a certificate signed by a CA this test makes. The real processes run over `amqps://`, each
with its own user: a journey through the gateway works and an event is relayed. Then the
attacks of the finding: each succeeds with guest on a vhost set up as before (the machine's
broker, a vhost of this test's own) and is refused here.
"""

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from amqp.exceptions import AccessRefused
from kombu import Connection, Exchange, Queue
from servicekit import brokerusers, testing, topology

from tests.faults.support import open_areas, proposal_body

pytestmark = pytest.mark.integration

LEVEL_QUEUE = "rpc-voting_township"
SPY_KEY = "#"


def tls_options(ca_file: str) -> dict[str, object]:
    import ssl

    return {"ca_certs": ca_file, "cert_reqs": ssl.CERT_REQUIRED, "server_hostname": "127.0.0.1"}


class Node:
    """The private node and how to reach it as each user."""

    def __init__(self, rabbit: testing.PrivateRabbit, tls_port: int, tls: testing.TlsFiles):
        self.rabbit, self.tls_port, self.tls = rabbit, tls_port, tls
        self.passwords = {user: uuid.uuid4().hex for user in brokerusers.users()}

    def uri(self, user: str) -> str:
        return f"amqps://{user}:{self.passwords[user]}@127.0.0.1:{self.tls_port}/"

    def connect(self, user: str, ca_file: str | None = None) -> Connection:
        return Connection(
            self.uri(user), ssl=tls_options(ca_file or self.tls.ca), connect_timeout=5
        )


@pytest.fixture(scope="module")
def node(tmp_path_factory) -> Iterator[Node]:
    if not os.path.exists(os.path.join(testing.RABBITMQ_SBIN, "rabbitmq-server")):
        testing.unavailable("rabbitmq-server (to start a private node)")
    folder = tmp_path_factory.mktemp("broker")
    tls = testing.make_tls_files(str(folder / "tls"))
    tls_port = testing.free_port()
    placeholder = Node(None, tls_port, tls)  # type: ignore[arg-type]  # passwords first
    definitions = folder / "definitions.json"
    env = {
        **os.environ,
        **{brokerusers.password_variable(u): p for u, p in placeholder.passwords.items()},
    }
    subprocess.run(
        [sys.executable, "-m", "servicekit.brokerusers", str(definitions)],
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    rabbit = testing.PrivateRabbit(
        str(folder / "rabbit"), extra_conf=testing.tls_conf(tls, tls_port, str(definitions))
    )
    placeholder.rabbit = rabbit
    try:
        rabbit.start()
        yield placeholder
    finally:
        rabbit.kill()


@pytest.fixture(scope="module")
def platform(node: Node, tmp_path_factory) -> Iterator[testing.Platform]:
    """Migrations and queues as ops, then every process with its own user, all over TLS."""
    running = testing.Platform(
        node.uri(brokerusers.OPS_USER),
        str(tmp_path_factory.mktemp("platform")),
        {"AMQP_CA_FILE": node.tls.ca, "RATE_LIMIT_PUBLIC": "100000/60"},
    )
    try:
        running.prepare()
        for service in ("collection", "voting"):
            running._start(service, service, {"WORKER_LEVEL": "all", "AMQP_URI": node.uri(service)})
        running._start("gateway", "gateway", {"AMQP_URI": node.uri("gateway")})
        running.wait_levels("township", "banner", "city", seconds=120)
        running.wait_levels("township", seconds=60, service="voting")
        with pytest.MonkeyPatch.context() as patch:
            from scripts import demo_data

            patch.setenv("DATA_DIR", running.data_dir)
            patch.delenv("GATEWAY_DATABASE_URL", raising=False)
            demo_data.ensure_accounts()
            demo_data.ensure_notices(running.base_url)
        yield running
    finally:
        running.stop_all()


@pytest.fixture(scope="module")
def today() -> Iterator[str]:
    """A vhost as compose set it up before: guest, allowed everything, on the machine's broker,
    with the queues and exchanges the workers would have declared."""
    if not testing.port_open("127.0.0.1", 5672):
        testing.unavailable("RabbitMQ at 127.0.0.1:5672")
    vhost = testing.Vhost().create()
    try:
        with Connection(vhost.uri, connect_timeout=5) as connection:
            channel = connection.default_channel
            rpc = Exchange("nameko-rpc", type="topic", durable=True)
            Queue("rpc-collection_township", rpc, "collection_township.*")(channel).declare()
            Queue(LEVEL_QUEUE, rpc, "voting_township.*")(channel).declare()
            topology.event_exchange("collection")(channel).declare()
        yield vhost.uri
    finally:
        vhost.delete()


# ---- the attacks: each returns normally when it worked --------------------------------------


def consume_voting_requests(connection: Connection) -> None:
    """The collection user reads the voting workers' RPC requests (tokens, casts)."""
    channel = connection.channel()
    tag = channel.basic_consume(queue=LEVEL_QUEUE, callback=lambda message: None)
    channel.basic_cancel(tag)


def bind_to_every_call(connection: Connection) -> None:
    """The collection user binds its own RPC queue to `nameko-rpc` with `#`: every call."""
    channel = connection.channel()
    channel.queue_bind("rpc-collection_township", "nameko-rpc", SPY_KEY)
    channel.queue_unbind("rpc-collection_township", "nameko-rpc", SPY_KEY)


def publish_collection_event(connection: Connection) -> None:
    """The voting user publishes a `candidate_list_frozen_v1` as if collection had."""
    producer = connection.Producer()
    producer.publish(
        {"forged": True},
        exchange=topology.event_exchange("collection"),
        routing_key="candidate_list_frozen_v1",
        retry=False,
    )
    # Without confirms a refused publish shows on the channel's next synchronous method.
    producer.channel.basic_qos(0, 1, False)


ATTACKS: dict[str, tuple[str, Callable[[Connection], None]]] = {
    "consume_rpc_voting": ("collection", consume_voting_requests),
    "bind_nameko_rpc_hash": ("collection", bind_to_every_call),
    "publish_other_events": ("voting", publish_collection_event),
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_attack_works_with_guest_as_before(today: str, attack: str) -> None:
    _, perform = ATTACKS[attack]
    with Connection(today, connect_timeout=5) as connection:
        perform(connection)


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_service_user_is_refused(node: Node, platform: testing.Platform, attack: str) -> None:
    user, perform = ATTACKS[attack]
    with node.connect(user) as connection, pytest.raises(AccessRefused):
        perform(connection)


def test_guest_worked_before_and_does_not_exist_now(today: str, node: Node) -> None:
    with Connection(today, connect_timeout=5) as connection:
        connection.connect()
    plain = f"amqp://guest:guest@127.0.0.1:{node.rabbit.port}/"
    with Connection(plain, connect_timeout=5) as connection, pytest.raises(AccessRefused):
        connection.connect()


# ---- the journey, over TLS, each process with its own user ------------------------------------


def test_a_proposal_submitted_listed_and_its_event_relayed(
    node: Node, platform: testing.Platform
) -> None:
    with node.connect(brokerusers.OPS_USER) as connection:
        probe = Queue(
            f"probe-{uuid.uuid4().hex[:8]}",
            topology.event_exchange("collection"),
            "proposal_submitted_v1",
            exclusive=True,
        )(connection.default_channel)
        probe.declare()
        area = open_areas(platform.base_url)[0]
        answer = requests.post(
            f"{platform.base_url}/api/v1/proposals",
            json={**proposal_body(1, area, "tls"), "channel": "online"},
            timeout=30,
        )
        assert answer.status_code == 201, answer.text
        proposal_id = answer.json()["id"]
        relayed = testing.wait_until(probe.get, 30, 0.2, "proposal_submitted_v1 relayed")
        assert json.loads(relayed.body)["payload"]["proposal_id"] == proposal_id

    from scripts import demo_data

    token = demo_data._login(platform.base_url, "admin")
    listed = requests.get(
        f"{platform.base_url}/api/v1/proposals",
        params={"area_code": area, "page_size": 100},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert listed.status_code == 200, listed.text
    assert proposal_id in [item["id"] for item in listed.json()["items"]]


def test_each_process_connected_as_its_own_user_over_tls(
    node: Node, platform: testing.Platform
) -> None:
    listed = node.rabbit.ctl("list_connections", "user", "ssl", "--quiet", "--no-table-headers")
    assert listed.returncode == 0, listed.stderr
    rows = [tuple(line.split()) for line in listed.stdout.splitlines() if line.strip()]
    assert {user for user, _ in rows} == {"collection", "voting", "gateway"}, rows
    assert all(tls == "true" for _, tls in rows), rows
    for name in ("collection", "voting", "gateway"):
        assert "ACCESS_REFUSED" not in platform.log(name), f"{name} was refused something"


def test_plain_amqp_to_the_tls_port_is_refused(node: Node) -> None:
    plain = node.uri("gateway").replace("amqps://", "amqp://")
    with Connection(plain, connect_timeout=5) as connection, pytest.raises(Exception):  # noqa: B017
        connection.connect()


def test_a_client_trusting_another_ca_is_refused(node: Node, tmp_path: Path) -> None:
    import ssl

    other = testing.make_tls_files(str(tmp_path / "other"))
    with node.connect("gateway", ca_file=other.ca) as connection, pytest.raises(ssl.SSLError):
        connection.connect()
