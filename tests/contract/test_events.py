"""Events in contracts agree with the code: names, versions, payloads, consumers, queues."""

import inspect
import re
import uuid
from datetime import UTC, datetime

import pytest
from collection.service import CollectionService
from collection.use_cases import intake as use_cases
from contracts import reference
from contracts.events import EVENTS, SUBSCRIPTIONS, EventSpec
from gateway.service import GatewayService
from nameko.events import EventHandler
from servicekit.consumer import ContractEventHandler

from tests.support.probe import service as probe

SERVICES = (CollectionService, GatewayService, probe.ProbeService)
KNOWN_SUBSCRIPTIONS = (*SUBSCRIPTIONS, probe.SUBSCRIPTION)


def _proposal_submitted_v1() -> dict:
    proposal = {  # the row values the use case inserts
        "id": str(uuid.uuid4()),
        "tracking_code": "T4KQ-7MZP-X2WD",
        "notice_id": str(uuid.uuid4()),
        "area_code": "150622100",
        "area_path": "/150600/150622/150622100/",
        "level": "township",
        "channel": "deputy",
        "title": "薛家湾镇老旧小区加装电梯",
        "description": "三栋六层住宅无电梯，老人上下楼困难。",
        "category": "老旧小区改造",
        "location_text": "薛家湾镇某小区",
        "estimated_cost_fen": 180_000_000,
        "beneficiaries": 420,
        "submitter_name": "王某",
        "submitter_phone": "13800000000",
        "deputy_name": "李代表",
        "status": "submitted",
        "submitted_at": datetime(2026, 12, 2, 3, 4, 5, 678000, tzinfo=UTC),
    }
    return use_cases._submitted_event(proposal)


SAMPLES = {"proposal_submitted_v1": _proposal_submitted_v1}
SPECS = sorted(EVENTS.values(), key=lambda spec: spec.name)
SPEC_IDS = [spec.name for spec in SPECS]


def entrypoints(service_cls):
    for name, member in inspect.getmembers(service_cls):
        for entrypoint in getattr(member, "nameko_entrypoints", ()):
            yield name, entrypoint


def event_handlers():
    return [
        (service_cls, name, entrypoint)
        for service_cls in SERVICES
        for name, entrypoint in entrypoints(service_cls)
        if isinstance(entrypoint, EventHandler)
    ]


class TestEventSpecs:
    @pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
    def test_name_follows_noun_participle_version(self, spec):
        assert re.match(r"^[a-z_]+_v\d+$", spec.name)
        assert EVENTS[spec.name] is spec

    @pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
    def test_version_is_the_name_suffix(self, spec):
        assert spec.version == int(re.search(r"_v(\d+)$", spec.name).group(1))

    @pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
    def test_source_is_a_service_of_the_architecture(self, spec):
        assert spec.source in reference.SERVICES

    def test_every_event_has_a_sample_here(self):
        assert set(SAMPLES) == set(EVENTS)

    @pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
    def test_a_realistic_payload_validates(self, spec):
        assert spec.schema().validate(SAMPLES[spec.name]()) == {}

    @pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
    def test_a_realistic_payload_round_trips_unchanged(self, spec):
        schema = spec.schema()
        payload = SAMPLES[spec.name]()
        loaded = schema.load(payload)
        assert schema.dump(loaded) == payload
        assert schema.load(schema.dump(loaded)) == loaded

    def test_proposal_submitted_carries_no_personal_data(self):
        payload = SAMPLES["proposal_submitted_v1"]()
        assert not {"submitter_name", "submitter_phone", "deputy_name", "description"} & set(
            payload
        )
        assert "13800000000" not in str(payload)


class TestConsumers:
    def test_the_probe_consumer_is_found(self):
        assert any(service_cls is probe.ProbeService for service_cls, _, _ in event_handlers())

    def test_every_event_handler_is_a_contract_handler(self):
        for service_cls, name, entrypoint in event_handlers():
            assert isinstance(entrypoint, ContractEventHandler), f"{service_cls.__name__}.{name}"

    def test_every_consumed_event_is_in_the_contract(self):
        for service_cls, name, entrypoint in event_handlers():
            where = f"{service_cls.__name__}.{name}"
            spec = EVENTS.get(entrypoint.event_type)
            assert isinstance(spec, EventSpec), where
            assert entrypoint.source_service == spec.source, where
            if isinstance(entrypoint, ContractEventHandler):
                assert entrypoint.spec == spec, where

    def test_handlers_are_named_after_source_and_event(self):
        for service_cls, name, entrypoint in event_handlers():
            event = re.sub(r"_v\d+$", "", entrypoint.event_type)
            assert name == f"handle_{entrypoint.source_service}_{event}", (
                f"{service_cls.__name__}.{name}"
            )


class TestSubscriptions:
    @pytest.mark.parametrize("subscription", KNOWN_SUBSCRIPTIONS, ids=lambda s: s.queue)
    def test_refers_to_a_contract_event(self, subscription):
        assert EVENTS.get(subscription.event.name) == subscription.event

    def test_queue_names_are_unique(self):
        queues = [subscription.queue for subscription in KNOWN_SUBSCRIPTIONS]
        assert len(queues) == len(set(queues))

    @pytest.mark.parametrize("subscription", KNOWN_SUBSCRIPTIONS, ids=lambda s: s.queue)
    def test_names_a_handler_that_consumes_that_event(self, subscription):
        services = {service_cls.name: service_cls for service_cls in SERVICES}
        assert subscription.consumer in services
        handlers = {
            name: entrypoint
            for name, entrypoint in entrypoints(services[subscription.consumer])
            if isinstance(entrypoint, ContractEventHandler)
        }
        assert subscription.handler in handlers
        assert handlers[subscription.handler].spec == subscription.event

    def test_queue_name_says_source_event_and_consumer(self):
        assert probe.SUBSCRIPTION.queue == (
            "evt-collection-proposal_submitted_v1--probe.handle_collection_proposal_submitted"
        )
