"""servicekit.outbox.build_envelope: the contract is checked before an event is staged."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from contracts.envelope import EnvelopeSchema
from contracts.events import PROPOSAL_SUBMITTED
from servicekit.outbox import ContractViolation, build_envelope


def payload(**changes):
    base = {
        "proposal_id": str(uuid.uuid4()),
        "tracking_code": "T4KQ-7MZP-X2WD",
        "notice_id": str(uuid.uuid4()),
        "area_code": "150622100",
        "level": "township",
        "channel": "online",
        "category": "基础设施",
        "title": "修缮薛家湾镇广场",
        "estimated_cost_fen": 12_000_000,
        "beneficiaries": 3000,
        "submitted_at": "2026-12-02T03:04:05+00:00",
    }
    base.update(changes)
    return base


def envelope_of(body, **kwargs):
    options = {"area_code": "150622100", "level": "township", "correlation_id": "req-0001"}
    options.update(kwargs)
    return build_envelope(PROPOSAL_SUBMITTED, body, **options)


class TestBuildEnvelope:
    def test_valid_envelope_passes_the_envelope_schema(self):
        envelope = envelope_of(payload())
        loaded = EnvelopeSchema().load(envelope)
        assert set(loaded) == set(EnvelopeSchema().fields)

    def test_event_id_is_a_fresh_uuid(self):
        first, second = envelope_of(payload()), envelope_of(payload())
        assert uuid.UUID(first["event_id"]).version == 4
        assert first["event_id"] != second["event_id"]

    def test_occurred_at_is_iso_utc_and_now(self):
        before = datetime.now(UTC)
        occurred = datetime.fromisoformat(envelope_of(payload())["occurred_at"])
        after = datetime.now(UTC)
        assert occurred.utcoffset() == timedelta(0)
        assert before <= occurred <= after

    def test_schema_version_is_the_event_name_suffix(self):
        envelope = envelope_of(payload())
        assert envelope["schema_version"] == 1
        assert envelope["schema_version"] == PROPOSAL_SUBMITTED.version

    def test_carries_type_source_area_level_and_correlation(self):
        envelope = envelope_of(payload(), correlation_id="abc123def")
        assert envelope["event_type"] == "proposal_submitted_v1"
        assert envelope["source"] == "collection"
        assert envelope["area_code"] == "150622100"
        assert envelope["level"] == "township"
        assert envelope["correlation_id"] == "abc123def"

    def test_payload_is_carried_unchanged(self):
        body = payload()
        assert envelope_of(body)["payload"] == body

    def test_optional_figures_may_be_null(self):
        envelope = envelope_of(payload(estimated_cost_fen=None, beneficiaries=None))
        assert envelope["payload"]["estimated_cost_fen"] is None


class TestContractViolation:
    @pytest.mark.parametrize(
        "bad",
        [
            {"level": "province"},
            {"channel": "fax"},
            {"category": "火箭"},
            {"area_code": "15062"},
            {"estimated_cost_fen": -1},
            {"beneficiaries": "many"},
            {"submitted_at": "2026-12-02T03:04:05"},  # naive: no time zone
            {"proposal_id": "not-a-uuid"},
            {"submitter_phone": "13800000000"},  # personal data is not part of the event
        ],
    )
    def test_a_payload_the_schema_rejects_is_refused(self, bad):
        with pytest.raises(ContractViolation, match="proposal_submitted_v1"):
            envelope_of(payload(**bad))

    def test_a_missing_required_field_is_refused(self):
        body = payload()
        del body["tracking_code"]
        with pytest.raises(ContractViolation, match="tracking_code"):
            envelope_of(body)

    def test_a_bad_envelope_level_is_refused(self):
        with pytest.raises(ContractViolation, match="envelope"):
            envelope_of(payload(), level="province")

    def test_a_bad_envelope_area_code_is_refused(self):
        with pytest.raises(ContractViolation, match="envelope"):
            envelope_of(payload(), area_code="abc")
