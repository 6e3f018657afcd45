"""Broker users and TLS settings (servicekit.brokerusers, config.amqp_ssl, broker.connection):
each pattern admits the names the code really uses and nothing of another service's; TLS,
once asked for, is used by every connection and never silently dropped."""

import base64
import hashlib
import re
import ssl

import pytest
from contracts import registry, rpc
from contracts.events import SUBSCRIPTIONS
from servicekit import broker, brokerusers, config, retry, topology

WORKERS = [s.name for s in registry.WORKERS]


def allowed(pattern: str, name: str) -> bool:
    # RabbitMQ runs the regex as a search; every pattern here is anchored at both ends.
    return re.search(pattern, name) is not None


def own_names(service: str) -> list[str]:
    """What a service's workers declare, bind, consume or publish to, by the code's own names."""
    levels = registry.get(service).levels
    subscriptions = [s for s in SUBSCRIPTIONS if service in (s.consumer, s.event.source)]
    return [
        *(f"rpc-{service}_{level}" for level in levels),
        *(s.queue for s in subscriptions),
        *(topology.dead_letter_queue_for(s).name for s in subscriptions),
        *(retry.delay_queue(d).name for d in retry.delays()),
        topology.DEAD_LETTER_EXCHANGE.name,
        topology.event_exchange(service).name,
        "nameko-rpc",
    ]


@pytest.mark.parametrize("service", WORKERS)
def test_a_worker_may_use_every_name_it_uses(service: str) -> None:
    grant = brokerusers.grants()[service]
    for name in own_names(service):
        assert allowed(grant.configure, name), name
        assert allowed(grant.read, name), name
        assert allowed(grant.write, name), name


@pytest.mark.parametrize("service", WORKERS)
def test_a_worker_may_not_touch_another_services_rpc_queue_or_publish_its_events(
    service: str,
) -> None:
    grant = brokerusers.grants()[service]
    for other in (o for o in WORKERS if o != service):
        for level in registry.get(other).levels:
            for pattern in (grant.configure, grant.write, grant.read):
                assert not allowed(pattern, f"rpc-{other}_{level}")
        assert not allowed(grant.write, topology.event_exchange(other).name)
    assert not allowed(grant.configure, "spy") and not allowed(grant.read, "spy")


@pytest.mark.parametrize("service", WORKERS)
def test_a_worker_binds_only_its_own_calls_and_replies_only_to_uuids(service: str) -> None:
    write, read = brokerusers.grants()[service].topics["nameko-rpc"]
    assert allowed(read, f"{service}_township.*")
    for key in ("#", "*.*", f"{service}_township.#", "voting_township.*", "gateway.*"):
        if key != f"{service}_township.*":
            assert not allowed(read, key), key
    assert allowed(write, "3f0c1b9e-2a7d-4c55-9b1e-0d6f4a8e2c71")
    assert not allowed(write, "voting_township.cast_ballot")


def test_the_gateway_calls_routed_workers_and_reads_only_its_replies() -> None:
    grant = brokerusers.grants()["gateway"]
    reply = "rpc.reply-gateway-3f0c1b9e-2a7d-4c55-9b1e-0d6f4a8e2c71"
    assert allowed(grant.configure, reply) and allowed(grant.read, reply)
    assert not allowed(grant.read, "rpc-voting_township")
    assert not allowed(grant.write, topology.event_exchange("voting").name)
    write, read = grant.topics["nameko-rpc"]
    assert allowed(write, "voting_township.cast_ballot")
    assert not allowed(read, "#") and not allowed(read, "voting_township.*")


def test_every_registered_service_has_a_user_and_guest_none() -> None:
    users = brokerusers.users()
    assert {s.name for s in registry.SERVICES} | {brokerusers.OPS_USER} == set(users)
    definitions = brokerusers.definitions(dict.fromkeys(users, "p" * 16))
    assert "guest" not in {u["name"] for u in definitions["users"]}
    assert {p["user"] for p in definitions["permissions"]} == set(users)


def test_password_hash_is_rabbitmqs_salted_sha256() -> None:
    encoded = brokerusers.password_hash("s3cret-s3cret-s3cret", salt=b"\x01\x02\x03\x04")
    raw = base64.b64decode(encoded)
    assert raw[:4] == b"\x01\x02\x03\x04"
    assert raw[4:] == hashlib.sha256(b"\x01\x02\x03\x04s3cret-s3cret-s3cret").digest()


def test_missing_or_short_passwords_are_refused(monkeypatch) -> None:
    for user in brokerusers.users():
        monkeypatch.setenv(brokerusers.password_variable(user), "x" * 16)
    monkeypatch.setenv("RABBITMQ_VOTING_PASSWORD", "short")
    with pytest.raises(SystemExit, match="RABBITMQ_VOTING_PASSWORD"):
        brokerusers.passwords_from_env()


# ---- TLS --------------------------------------------------------------------------------------


@pytest.fixture
def tls_env(monkeypatch):
    for name in ("AMQP_URI", "AMQP_CA_FILE", "AMQP_CERT_FILE", "AMQP_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_plain_amqp_has_no_tls(tls_env) -> None:
    tls_env.setenv("AMQP_URI", "amqp://u:p@broker:5672/")
    assert config.amqp_ssl() is None
    assert "AMQP_SSL" not in config.nameko_config()


def test_amqps_verifies_the_broker_against_the_ca_and_its_name(tls_env) -> None:
    tls_env.setenv("AMQP_URI", "amqps://u:p@broker.internal:5671/")
    tls_env.setenv("AMQP_CA_FILE", "/etc/minsheng/ca.pem")
    tls_env.setenv("AMQP_CERT_FILE", "/etc/minsheng/client.pem")
    tls_env.setenv("AMQP_KEY_FILE", "/etc/minsheng/client.key")
    expected = {
        "cert_reqs": ssl.CERT_REQUIRED,
        "server_hostname": "broker.internal",
        "ca_certs": "/etc/minsheng/ca.pem",
        "certfile": "/etc/minsheng/client.pem",
        "keyfile": "/etc/minsheng/client.key",
    }
    assert config.amqp_ssl() == expected
    assert config.nameko_config()["AMQP_SSL"] == expected  # nameko's consumers and proxies
    assert broker.connection().ssl == expected  # servicekit's own kombu connections


def test_a_ca_with_a_plain_uri_is_refused_not_ignored(tls_env) -> None:
    tls_env.setenv("AMQP_URI", "amqp://u:p@broker:5672/")
    tls_env.setenv("AMQP_CA_FILE", "/etc/minsheng/ca.pem")
    with pytest.raises(config.ConfigError, match="amqps"):
        config.nameko_config()


@pytest.mark.parametrize("names", [rpc.CollectionRpc, rpc.VotingRpc])
def test_the_gateway_may_call_every_rpc_method_at_every_level(names: type) -> None:
    write, _ = brokerusers.grants()["gateway"].topics["nameko-rpc"]
    service = rpc.COLLECTION if names is rpc.CollectionRpc else rpc.VOTING
    methods = [value for key, value in vars(names).items() if not key.startswith("_")]
    assert methods
    for level in registry.get(service).levels:
        for method in methods:
            assert allowed(write, f"{service}_{level}.{method}"), method
