"""Events in contracts agree with the code: names, versions, payloads, consumers, queues."""

import importlib
import inspect
import json
import re
import uuid
from datetime import UTC, datetime

import pytest
from collection.db.models import CandidateList
from collection.use_cases import intake as use_cases
from collection.use_cases import list_views, outcomes
from contracts import reference, registry
from contracts.events import (
    EVENTS,
    SUBSCRIPTIONS,
    EventSpec,
    MatterConvertedToProposalV1,
    ProposalSubmittedV1,
)
from nameko.events import EventHandler
from servicekit.consumer import ContractEventHandler

from tests.support.probe import service as probe

# Every registered service (a new one is checked by being registered), and the test probe.
SERVICES = (
    *(importlib.import_module(f"{s.name}.service").SERVICE for s in registry.SERVICES),
    probe.ProbeService,
)
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


def _proposal_screened_v1() -> dict:
    proposal = {  # the row values the answer_submitters use case reads
        "id": str(uuid.uuid4()),
        "tracking_code": "T4KQ-7MZP-X2WD",
        "area_code": "150622100",
        "level": "township",
        "status": "rejected",
        "outcome_reason": "该路段已列入明年市政道路改造计划，将一并实施。",
        "source_matter_id": "M-2026-000123",
    }
    return outcomes.screened_event(proposal, 2027, datetime(2027, 3, 1, 2, 0, tzinfo=UTC))


def _candidate_list_frozen_v1() -> dict:
    items = [
        {
            "position": position,
            "proposal_id": str(uuid.uuid4()),
            "title": title,
            "summary": "三栋六层住宅加装电梯，惠及老人。",
            "category": "老旧小区改造",
            "estimated_cost_fen": cost,
            "lead_department": department,
            "rationale": "群众呼声高，先急后缓。",
        }
        for position, (title, cost, department) in enumerate(
            [("迎宾路小区加装电梯", 180_000_000, "住建局"), ("镇卫生院改造", None, None)], 1
        )
    ]
    row = CandidateList(  # the row the freeze use case writes
        id=str(uuid.uuid4()),
        area_code="150622100",
        level="township",
        year=2027,
        seats=1,
        differential_ratio_permille=200,
        items=json.dumps(items, ensure_ascii=False),
        content_hash="0" * 64,
        frozen_at=datetime(2027, 1, 10, 2, 0, tzinfo=UTC),
    )
    return list_views.frozen_payload(row)


def _session_results_announced_v1() -> dict:
    candidate = {
        "title": "迎宾路小区加装电梯",
        "abstain": 2,
        "rank": 1,
        "category": "老旧小区改造",
        "estimated_cost_fen": 3_600_000_00,
        "lead_department": "住房和城乡建设局",
    }
    return {
        "session_id": "S-2027-0001",
        "candidate_list_id": str(uuid.uuid4()),
        "area_code": "150622100",
        "level": "township",
        "year": 2027,
        "rules_version": 1,
        "digest": "a" * 64,
        "announced_at": "2027-01-20T03:00:00+00:00",
        "ballots": {"issued": 60, "returned": 58, "valid": 57, "invalid": 1},
        "candidates": [
            {
                **candidate,
                "proposal_id": str(uuid.uuid4()),
                "approve": 50,
                "oppose": 5,
                "elected": True,
            },
            {
                **candidate,
                "proposal_id": str(uuid.uuid4()),
                "approve": 20,
                "oppose": 35,
                "elected": False,
                "rank": 2,
            },
        ],
    }


def _satisfaction_vote_completed_v1() -> dict:
    """As voting stages it after a satisfaction vote (满意度测评) of 42 deputies on 2 projects."""
    return {
        "session_id": "T-" + "3f" * 16,
        "area_code": "150622100",
        "level": "township",
        "year": 2027,
        "digest": "c4" * 32,
        "void": False,
        "completed_at": "2027-12-20T02:00:00+00:00",
        "ballots": {"issued": 42, "returned": 42, "valid": 41, "invalid": 1},
        "projects": [
            {
                "project_id": "P-2027-01",
                "title": "薛家湾镇老旧小区供暖管网改造",
                "satisfied": 30,
                "basically": 8,
                "dissatisfied": 2,
                "abstain": 1,
                "rate": "38/41",
                "rate_permille": 927,
            },
            {
                "project_id": "P-2027-02",
                "title": "镇卫生院发热门诊建设",
                "satisfied": 20,
                "basically": 10,
                "dissatisfied": 11,
                "abstain": 0,
                "rate": "30/41",
                "rate_permille": 732,
            },
        ],
    }


def _matter_converted_to_proposal_v1() -> dict:
    """As petition publishes it: the resident's contact stays with petition."""
    return {
        "matter_id": "M-150602001-2026-0042",
        "area_code": "150602001",
        "level": "township",
        "title": "林荫街道广场翻新",
        "description": "居民扫码向代表反映广场地砖破损、健身器材老旧，建议列为民生实事。",
        "category": "文化体育",
        "location_text": "林荫街道中心广场",
        "deputy_name": "张代表",
        "converted_at": "2026-12-02T03:04:05.678000+00:00",
    }


def _petition_proposal_submitted_without_notice() -> dict:
    from collection.use_cases import matters
    from servicekit import areas

    matter = MatterConvertedToProposalV1().load(_matter_converted_to_proposal_v1())
    area = areas.load().get("150602001")
    proposal = matters.proposal_from_matter(matter, area, (None, 2026), datetime.now(UTC))
    return use_cases._submitted_event(proposal)


def test_a_petition_proposal_without_a_notice_is_a_valid_proposal_submitted():
    payload = _petition_proposal_submitted_without_notice()
    assert payload["notice_id"] is None and payload["channel"] == "petition"
    assert ProposalSubmittedV1().validate(payload) == {}


MATTER_ID = str(uuid.UUID(int=42))


def _matter_submitted_v1() -> dict:
    """As petition stages it (intake.submitted_event): no resident's name, phone or text."""
    from petition.db.matters import Matter
    from petition.use_cases import intake
    from servicekit.outbox import wire_form

    matter = Matter(
        id=MATTER_ID,
        tracking_code="T4KQ-7MZP-X2WD",
        area_code="150602001",
        level="township",
        channel="qr",
        category="文化体育",
        deputy_id=str(uuid.UUID(int=7)),
        station_id=None,
        received_at=datetime(2026, 12, 2, 3, 4, 5, 678000, tzinfo=UTC),
        resident_name="王某",
        resident_phone="13800000000",
    )
    payload = wire_form(intake.submitted_event(matter))
    assert "王某" not in json.dumps(payload, ensure_ascii=False)
    return payload


def _matter_escalated_v1() -> dict:
    return {
        "matter_id": MATTER_ID,
        "handling_area_code": "150602",
        "area_code": "150602001",
        "from_level": "township",
        "level": "banner",
        "escalations": 1,
        "escalated_at": "2026-12-10T02:00:00+00:00",
    }


def _matter_resolved_v1() -> dict:
    return {
        "matter_id": MATTER_ID,
        "area_code": "150602001",
        "level": "banner",
        "origin_level": "township",
        "tier": "diversion",
        "on_time": True,
        "resolved_locally": True,
        "reopens": 0,
        "resolved_at": "2026-12-20T02:00:00+00:00",
    }


def _matter_urged_v1() -> dict:
    return {
        "matter_id": MATTER_ID,
        "area_code": "150602001",
        "level": "township",
        "stage": "first_contact",
        "due_date": "2026-10-10",
        "step": "urge",
        "distance": -2,
        "unit": "workday",
        "raised_at": "2026-10-08T00:30:00+00:00",
    }


def _matter_circulated_v1() -> dict:
    return {**_matter_urged_v1(), "stage": "handle", "step": "circulate_upper", "distance": 5}


PROJECT_ID = "T-" + "ab" * 16


def _project_created_v1() -> dict:
    """As implementation publishes it for an elected candidate."""
    return {
        "project_id": PROJECT_ID,
        "proposal_id": str(uuid.uuid4()),
        "session_id": "T-" + "cd" * 16,
        "area_code": "150622100",
        "level": "township",
        "year": 2027,
        "title": "迎宾路小区加装电梯",
        "category": "老旧小区改造",
        "estimated_cost_fen": 3_600_000_00,
        "lead_department": "旗住建局",
        "results_digest": "a" * 64,
        "created_at": "2027-01-20T03:00:05+00:00",
    }


def _progress_reported_v1() -> dict:
    return {
        "project_id": PROJECT_ID,
        "proposal_id": str(uuid.uuid4()),
        "report_id": str(uuid.uuid4()),
        "area_code": "150622100",
        "level": "township",
        "year": 2027,
        "cadence": "weekly",
        "period": "2027-W14",
        "as_of": "2027-04-09",
        "actual_percent": "35.0",
        "planned_percent": "40.5",
        "standing": "on_track",
        "reported_at": "2027-04-09T08:00:00+00:00",
    }


def _project_flagged_v1() -> dict:
    return {
        "project_id": PROJECT_ID,
        "area_code": "150622100",
        "level": "township",
        "year": 2027,
        "title": "迎宾路小区加装电梯",
        "consecutive_lagging": 3,
        "actual_percent": "12.5",
        "planned_percent": "40.5",
        "flagged_at": "2027-04-23T08:00:00+00:00",
    }


def _rectification_requested_v1() -> dict:
    return {
        "request_id": str(uuid.uuid4()),
        "project_id": PROJECT_ID,
        "area_code": "150622100",
        "level": "township",
        "year": 2027,
        "group_id": str(uuid.uuid4()),
        "group_name": "第一监督组",
        "finding": "施工现场围挡不全，存在安全隐患",
        "due_date": "2027-05-15",
        "requested_at": "2027-05-01T02:00:00+00:00",
    }


def _rectification_reported_v1() -> dict:
    return {
        "request_id": str(uuid.uuid4()),
        "problem_id": "T-" + "ef" * 16,
        "project_id": PROJECT_ID,
        "area_code": "150622100",
        "level": "township",
        "year": 2027,
        "measure": "补齐围挡，设置警示标志",
        "note": "已完成整改并拍照留存",
        "reported_at": "2027-05-10T02:00:00+00:00",
    }


def _problem_overdue_v1() -> dict:
    return {
        "problem_id": "T-" + "ef" * 16,
        "project_id": PROJECT_ID,
        "area_code": "150622100",
        "level": "township",
        "year": 2027,
        "source": "rectification",
        "source_ref": str(uuid.uuid4()),
        "due_date": "2027-05-15",
        "step": "deadline_order",
        "overdue_working_days": 4,
        "raised_at": "2027-05-21T00:30:00+00:00",
    }


def _project_completed_v1() -> dict:
    return {
        "project_id": PROJECT_ID,
        "proposal_id": str(uuid.uuid4()),
        "area_code": "150622100",
        "level": "township",
        "year": 2027,
        "title": "迎宾路小区加装电梯",
        "completed_on": "2027-11-20",
        "result": "passed",
        "same_year": True,
        "completed_at": "2027-11-20T08:00:00+00:00",
    }


def _funds_disbursed_v1() -> dict:
    return {
        "flow_id": str(uuid.uuid4()),
        "project_id": PROJECT_ID,
        "area_code": "150622100",
        "level": "township",
        "year": 2027,
        "kind": "disbursement",
        "source": "banner_special",
        "amount_fen": 40_000_000,
        "flow_date": "2027-07-20",
        "voucher_no": "BZ2027-0718",
        "budget_fen": 100_000_000,
        "disbursed_fen": 40_000_000,
        "paid_fen": 0,
        "recorded_at": "2027-07-20T02:00:00+00:00",
    }


def _plan_adopted_v1() -> dict:
    return {
        "project_id": PROJECT_ID,
        "area_code": "150622100",
        "level": "township",
        "year": 2027,
        "version": 2,
        "lead_leader": "王副旗长",
        "lead_department": "旗住建局",
        "co_departments": ["旗财政局"],
        "start": "2027-03-01",
        "deadline": "2027-11-30",
        "milestones": 3,
        "reason": "调整完工时限",
        "adopted_at": "2027-03-02T02:00:00+00:00",
    }


def _lookback_completed_v1() -> dict:
    return {
        "request_id": str(uuid.uuid4()),
        "project_id": PROJECT_ID,
        "area_code": "150622100",
        "level": "township",
        "year": 2027,
        "group_id": str(uuid.uuid4()),
        "round": 1,
        "outcome": "partly",
        "next": "reopened",
        "new_due_date": "2027-08-31",
        "completed_at": "2027-08-01T02:00:00+00:00",
    }


def _evaluation_recorded_v1() -> dict:
    return {
        "evaluation_id": str(uuid.uuid4()),
        "project_id": PROJECT_ID,
        "fund": None,
        "area_code": "150622100",
        "level": "township",
        "year": 2027,
        "kind": "evaluation",
        "framework_id": str(uuid.uuid4()),
        "framework_version": 1,
        "total": "87.5",
        "grade": "良",
        "recorded_at": "2027-12-10T02:00:00+00:00",
    }


def _satisfaction_vote_requested_v1() -> dict:
    return {
        "request_id": str(uuid.uuid4()),
        "session_id": "T-" + uuid.uuid4().hex,
        "area_code": "150622100",
        "level": "township",
        "year": 2027,
        "title": "2027年民生实事项目满意度测评",
        "projects": [{"project_id": PROJECT_ID, "title": "迎宾路小区加装电梯"}],
        "requested_at": "2027-12-20T02:00:00+00:00",
    }


SAMPLES = {
    "plan_adopted_v1": _plan_adopted_v1,
    "lookback_completed_v1": _lookback_completed_v1,
    "evaluation_recorded_v1": _evaluation_recorded_v1,
    "satisfaction_vote_requested_v1": _satisfaction_vote_requested_v1,
    "funds_disbursed_v1": _funds_disbursed_v1,
    "project_completed_v1": _project_completed_v1,
    "rectification_requested_v1": _rectification_requested_v1,
    "rectification_reported_v1": _rectification_reported_v1,
    "problem_overdue_v1": _problem_overdue_v1,
    "project_created_v1": _project_created_v1,
    "progress_reported_v1": _progress_reported_v1,
    "project_flagged_v1": _project_flagged_v1,
    "matter_converted_to_proposal_v1": _matter_converted_to_proposal_v1,
    "matter_submitted_v1": _matter_submitted_v1,
    "matter_escalated_v1": _matter_escalated_v1,
    "matter_resolved_v1": _matter_resolved_v1,
    "matter_urged_v1": _matter_urged_v1,
    "matter_circulated_v1": _matter_circulated_v1,
    "proposal_submitted_v1": _proposal_submitted_v1,
    "proposal_screened_v1": _proposal_screened_v1,
    "candidate_list_frozen_v1": _candidate_list_frozen_v1,
    "session_results_announced_v1": _session_results_announced_v1,
    "satisfaction_vote_completed_v1": _satisfaction_vote_completed_v1,
}
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
