"""Shared fixtures. Tests run under `nameko test`, which applies eventlet's monkey-patch first.

Each run gets its own RabbitMQ vhost and its own PostgreSQL databases; with CI set, a missing
broker or database fails the run instead of skipping it.
"""

import os
from pathlib import Path

import pytest
from contracts import registry
from servicekit import testing

TIERS = ("unit", "contract", "service", "integration", "e2e", "faults", "browser")


def pytest_configure(config: pytest.Config) -> None:
    # Set before any fixture builds a child's environment from os.environ (module-scoped ones
    # run before the autouse fixture below): every process started by a test signs with it.
    os.environ.setdefault("TOKEN_SECRET", testing.TEST_TOKEN_SECRET)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).parts
        for tier in TIERS:
            if tier in parts:
                item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture(scope="session")
def rabbit_vhost():
    if not testing.port_open("127.0.0.1", 5672):
        testing.unavailable("RabbitMQ at 127.0.0.1:5672")
    vhost = testing.Vhost().create()
    yield vhost
    vhost.delete()


@pytest.fixture(scope="session")
def amqp_uri(rabbit_vhost):
    return rabbit_vhost.uri


@pytest.fixture(scope="session")
def pg():
    if not testing.port_open("127.0.0.1", 5432):
        testing.unavailable("PostgreSQL at 127.0.0.1:5432")
    databases = testing.PgDatabases()
    yield databases
    databases.drop_all()


@pytest.fixture
def service_env(monkeypatch, tmp_path, amqp_uri):
    """Environment for in-process nameko containers: own vhost, SQLite under tmp_path."""
    monkeypatch.setenv("AMQP_URI", amqp_uri)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    for name in registry.databases():
        monkeypatch.delenv(f"{name.upper()}_DATABASE_URL", raising=False)
    return {"AMQP_URI": amqp_uri, "DATA_DIR": str(tmp_path / "data")}


@pytest.fixture
def platform_factory(tmp_path, amqp_uri):
    """Start processes as `make run` does; everything started is stopped at the end."""
    started: list[testing.Platform] = []

    def make(env: dict[str, str] | None = None, uri: str | None = None) -> testing.Platform:
        platform = testing.Platform(uri or amqp_uri, str(tmp_path / f"platform{len(started)}"), env)
        started.append(platform)
        return platform.prepare()

    yield make
    for platform in started:
        platform.stop_all()


@pytest.fixture(autouse=True)
def _no_leaked_env(monkeypatch):
    # Tests must not depend on the developer's shell pointing somewhere else.
    for name in ("WORKER_LEVEL", "METRICS_PORT"):
        monkeypatch.delenv(name, raising=False)
    os.environ.setdefault("TOKEN_SECRET", testing.TEST_TOKEN_SECRET)
