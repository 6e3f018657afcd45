"""An attacker on the broker forges the caller's identity: refused before any code runs.

A collection worker in-process on the real broker (SQLite database). Anyone who can publish to
`nameko-rpc` can set any context data; only a context sealed with the identity key, and not
expired, is believed (servicekit.context_seal).
"""

import json
import time

import pytest
from collection.service import CollectionService
from nameko.containers import ServiceContainer
from nameko.standalone.rpc import ClusterRpcProxy
from servicekit import config, metrics, migrate
from servicekit.auth import Principal
from servicekit.errors import Unauthenticated

pytestmark = pytest.mark.integration

STAFF = Principal("u-1", ("government_staff",), "150622", "zhengfu")
QUERY = {"area_code": "150622"}


@pytest.fixture
def collection(monkeypatch, amqp_uri, tmp_path):
    url = f"sqlite:///{tmp_path}/collection.db"
    migrate.upgrade("collection", url)
    monkeypatch.setenv("COLLECTION_DATABASE_URL", url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    cls = type("CollectionBanner", (CollectionService,), {"name": "collection_banner"})
    container = ServiceContainer(cls, {"AMQP_URI": amqp_uri})
    container.start()
    yield
    container.kill()


def call_with(amqp_uri: str, auth: str) -> dict:
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, context_data={"auth": auth}, timeout=20) as rpc:
        return rpc.collection_banner.list_proposals(QUERY)


def refusals() -> float:
    labels = {"service": "collection", "level": "banner", "reason": "bad_context"}
    return metrics.REGISTRY.get_sample_value("minsheng_security_refusals_total", labels) or 0.0


def test_a_context_sealed_by_the_gateway_is_believed(collection, amqp_uri):
    page = call_with(amqp_uri, STAFF.to_context(config.identity_key()))
    assert page["items"] == []


@pytest.mark.parametrize(
    "forge",
    [
        lambda: json.dumps({"sub": "x", "roles": ["admin"], "area": "150600"}),  # the old format
        lambda: STAFF.to_context(b"a key the attacker made up, 32 bytes"),
        lambda: STAFF.to_context(config.identity_key(), time.time() - 120),  # copied, replayed
    ],
    ids=["unsealed", "wrong_key", "expired"],
)
def test_a_forged_or_replayed_context_is_refused_and_counted(collection, amqp_uri, forge):
    before = refusals()
    with pytest.raises(Unauthenticated, match="身份凭证无效"):
        call_with(amqp_uri, forge())
    assert refusals() == before + 1
