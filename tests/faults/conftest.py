"""Fault-tier fixtures: a platform of real processes on PostgreSQL, and a private RabbitMQ node
for tests that kill the broker (the machine's shared node is never stopped)."""

import os
from collections.abc import Callable

import pytest
from servicekit import testing

from tests.faults.support import LEVELS, FaultPlatform, declare_probe_queue, open_areas


@pytest.fixture
def fault_platform(platform_factory, pg, monkeypatch) -> Callable[..., FaultPlatform]:
    """Start everything as `make run` would, in this order: databases, queues (probe's too),
    workers (optionally with their outbox relay paused), gateway, probe; then demo data."""

    def start(
        amqp_uri: str | None = None, relay_paused: bool = False, **extra_env: str
    ) -> FaultPlatform:
        env = {
            "RATE_LIMIT_PUBLIC": "100000/60",
            "PROBE_DATABASE_URL": pg.create("probe"),
            "COLLECTION_DATABASE_URL": pg.create("collection"),
            "GATEWAY_DATABASE_URL": pg.create("gateway"),
            **extra_env,
        }
        platform = platform_factory(env, uri=amqp_uri)
        uri = platform.env["AMQP_URI"]
        declare_probe_queue(uri)
        worker_env = {
            "WORKER_LEVEL": "all",
            **({"OUTBOX_RELAY_PAUSED": "1"} if relay_paused else {}),
        }
        platform._start("collection-all", "collection", worker_env)
        platform.start_gateway()
        platform._start("probe", "tests.support.probe", {})
        running = FaultPlatform(platform, uri, env)
        platform.wait_levels(*LEVELS, seconds=90)
        testing.wait_until(lambda: running.probe_queue()[1] >= 1, 60, 0.2, "the probe consuming")

        from scripts import demo_data

        monkeypatch.setenv("DATA_DIR", platform.data_dir)
        monkeypatch.setenv("GATEWAY_DATABASE_URL", env["GATEWAY_DATABASE_URL"])
        demo_data.ensure_accounts()
        demo_data.ensure_notices(platform.base_url)
        running.open_areas = open_areas(platform.base_url)
        assert running.open_areas, "no open notice among the candidate areas"
        return running

    return start


@pytest.fixture
def private_rabbit(tmp_path):
    """A RabbitMQ node of this test's own (the shared one is never stopped); killed at the end."""
    if not os.path.exists(os.path.join(testing.RABBITMQ_SBIN, "rabbitmq-server")):
        testing.unavailable("rabbitmq-server (to start a private node)")
    rabbit = testing.PrivateRabbit(str(tmp_path / "rabbit"))
    try:
        rabbit.start()
        yield rabbit
    finally:
        rabbit.kill()
