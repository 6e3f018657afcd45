"""Events signed by their producer (servicekit.event_seal, contracts.envelope.canonical) and the
key's rules (config.event_key): what a consumer refuses before any effect, and why."""

import base64
import copy
import hashlib
import hmac
import json
import uuid

import pytest
from contracts.envelope import CANONICAL_PREFIX, EnvelopeSchema, canonical
from contracts.events import PROPOSAL_SUBMITTED, SESSION_RESULTS_ANNOUNCED
from servicekit import config, event_seal, runner
from servicekit.event_seal import BadEventSignature
from servicekit.outbox import build_envelope

KEY = b"k" * 32
OTHER_KEY = b"o" * 32
RESULTS = SESSION_RESULTS_ANNOUNCED


def results_payload() -> dict:
    return {
        "session_id": "S-2027-0001",
        "candidate_list_id": str(uuid.uuid4()),
        "area_code": "150622100",
        "level": "township",
        "year": 2027,
        "rules_version": 1,
        "digest": "d" * 64,
        "announced_at": "2027-01-05T02:00:00+00:00",
        "ballots": {"issued": 30, "returned": 30, "valid": 30, "invalid": 0},
        "candidates": [
            {
                "proposal_id": str(uuid.uuid4()),
                "title": "薛家湾镇广场修缮",
                "approve": 20,
                "oppose": 5,
                "abstain": 5,
                "elected": True,
                "rank": 1,
            }
        ],
    }


def signed(key: bytes = KEY) -> dict:
    return build_envelope(
        RESULTS, results_payload(), area_code="150622100", level="township",
        correlation_id="req-1", key=key,
    )  # fmt: skip


def verify(envelope, key: bytes = KEY, spec=RESULTS) -> None:
    event_seal.verify(envelope, key, spec.source, spec.name)


class TestCanonicalEncoding:
    def test_is_sorted_compact_utf8_json_of_every_field_but_the_signature(self):
        envelope = {"source": "voting", "payload": {"b": 1, "a": "广场"}, "signature": "v1.x"}
        assert canonical(envelope) == (
            CANONICAL_PREFIX + '{"payload":{"a":"广场","b":1},"source":"voting"}'.encode()
        )

    def test_does_not_depend_on_key_order_or_a_json_round_trip(self):
        envelope = signed()
        shuffled = dict(reversed(list(envelope.items())))
        shuffled["payload"] = dict(reversed(list(envelope["payload"].items())))
        travelled = json.loads(json.dumps(envelope, ensure_ascii=True, indent=2))
        assert canonical(shuffled) == canonical(envelope) == canonical(travelled)
        verify(shuffled)
        verify(travelled)

    def test_the_signature_is_hmac_sha256_of_the_canonical_bytes(self):
        # What a producer written in another language must reproduce.
        envelope = signed()
        digest = hmac.new(KEY, canonical(envelope), hashlib.sha256).digest()
        version, _, mac = envelope["signature"].partition(".")
        assert version == "v1"
        assert mac == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def test_build_envelope_signs_and_the_signature_is_part_of_the_contract(self):
        envelope = signed()
        assert EnvelopeSchema().validate(envelope) == {}
        unsigned = {k: v for k, v in envelope.items() if k != "signature"}
        assert "signature" in EnvelopeSchema().validate(unsigned)


class TestVerify:
    def test_a_genuine_event_verifies(self):
        verify(signed())

    @pytest.mark.parametrize("body", [None, [], "v1.abc", 42])
    def test_what_is_not_an_envelope_is_refused(self, body):
        with pytest.raises(BadEventSignature, match="not an envelope"):
            verify(body)

    def test_an_unsigned_envelope_in_the_old_form_is_refused(self):
        envelope = signed()
        del envelope["signature"]
        with pytest.raises(BadEventSignature, match="unsigned"):
            verify(envelope)

    @pytest.mark.parametrize("signature", ["", "v0.abc", None, 7, "abc"])
    def test_a_signature_of_another_scheme_is_unsigned(self, signature):
        envelope = {**signed(), "signature": signature}
        with pytest.raises(BadEventSignature, match="unsigned"):
            verify(envelope)

    def test_an_event_signed_with_another_key_is_refused(self):
        with pytest.raises(BadEventSignature, match="bad signature"):
            verify(signed(OTHER_KEY))

    @pytest.mark.parametrize(
        "tamper",
        [
            lambda e: e["payload"]["candidates"][0].update(elected=False),
            lambda e: e["payload"]["ballots"].update(valid=29),
            lambda e: e.update(occurred_at="2030-01-01T00:00:00+00:00"),
            lambda e: e.update(event_id=str(uuid.uuid4())),  # a replay under a new id
            lambda e: e.update(area_code="150602001"),
            lambda e: e.update(schema_version=2),
            lambda e: e.update(extra="added"),
            lambda e: e["payload"].pop("digest"),
        ],
    )
    def test_a_genuine_event_changed_anywhere_is_refused(self, tamper):
        envelope = copy.deepcopy(signed())
        tamper(envelope)
        with pytest.raises(BadEventSignature, match="bad signature"):
            verify(envelope)

    def test_a_signature_moved_onto_another_body_is_refused(self):
        first, second = signed(), signed()
        with pytest.raises(BadEventSignature, match="bad signature"):
            verify({**second, "signature": first["signature"]})

    def test_a_genuine_event_is_accepted_only_as_its_producers_event(self):
        # Signed by the platform's key, but as collection's proposal_submitted_v1: never a
        # session result, whatever routing key it is republished under.
        other = build_envelope(
            PROPOSAL_SUBMITTED,
            {
                "proposal_id": str(uuid.uuid4()), "tracking_code": "T4KQ-7MZP-X2WD",
                "notice_id": None, "area_code": "150622100", "level": "township",
                "channel": "online", "category": "基础设施", "title": "广场",
                "submitted_at": "2026-12-02T03:04:05+00:00",
            },
            area_code="150622100", level="township", correlation_id="c", key=KEY,
        )  # fmt: skip
        verify(other, spec=PROPOSAL_SUBMITTED)
        with pytest.raises(BadEventSignature, match="not signed by its producer"):
            verify(other, spec=RESULTS)

    def test_a_source_relabelled_and_resigned_by_a_key_holder_is_still_not_the_producer(self):
        envelope = event_seal.sign({**signed(), "source": "collection"}, KEY)
        with pytest.raises(BadEventSignature, match="not signed by its producer"):
            verify(envelope)

    def test_a_body_that_cannot_be_encoded_is_refused_not_crashed(self):
        envelope = {**signed(), "payload": {"title": "\ud800"}}  # a lone surrogate
        with pytest.raises(BadEventSignature, match="cannot be encoded"):
            verify(envelope)

    def test_the_reason_never_carries_the_payload_or_the_key(self):
        envelope = copy.deepcopy(signed(OTHER_KEY))
        with pytest.raises(BadEventSignature) as refused:
            verify(envelope)
        text = str(refused.value)
        assert "薛家湾镇广场修缮" not in text and KEY.decode() not in text
        assert envelope["signature"] not in text


class TestEventKey:
    @pytest.fixture(autouse=True)
    def _no_secrets(self, monkeypatch):
        for name in ("EVENT_SECRET", "IDENTITY_SECRET", "TOKEN_SECRET", "MINSHENG_DEV"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setattr(config, "_warned", [True])  # no development warning here

    def test_event_secret_of_32_bytes_is_the_key(self, monkeypatch):
        monkeypatch.setenv("EVENT_SECRET", "e" * 32)
        assert config.event_key() == b"e" * 32

    def test_derived_from_the_identity_secret_with_its_own_label(self, monkeypatch):
        monkeypatch.setenv("IDENTITY_SECRET", "i" * 40)
        key = config.event_key()
        assert len(key) == 32 and key not in (config.identity_key(), b"i" * 40)
        monkeypatch.setenv("IDENTITY_SECRET", "j" * 40)
        assert config.event_key() != key  # another secret, another key

    def test_derived_from_the_token_secret_when_it_is_the_only_one(self, monkeypatch):
        monkeypatch.setenv("TOKEN_SECRET", "t" * 40)
        key = config.event_key()
        assert key not in (config.identity_key(), b"t" * 40) and len(key) == 32
        assert config.event_key() == key  # stable: every process derives the same

    @pytest.mark.parametrize("secret", ["short", "x" * 31, "短" * 10])
    def test_a_short_event_secret_refuses_the_start_in_one_line(self, monkeypatch, secret):
        monkeypatch.setenv("EVENT_SECRET", secret)
        monkeypatch.setenv("TOKEN_SECRET", "t" * 40)
        with pytest.raises(config.ConfigError, match="EVENT_SECRET") as refused:
            config.event_key()
        assert "\n" not in str(refused.value)

    def test_without_any_secret_it_refuses_the_start_outside_dev(self):
        with pytest.raises(config.ConfigError, match="TOKEN_SECRET"):
            config.event_key()

    def test_in_development_a_short_or_missing_secret_falls_back_to_the_derived_key(
        self, monkeypatch
    ):
        monkeypatch.setenv("MINSHENG_DEV", "1")
        derived = config.event_key()
        monkeypatch.setenv("EVENT_SECRET", "short")
        assert config.event_key() == derived

    def test_a_worker_with_a_short_event_secret_refuses_before_anything_starts(self, monkeypatch):
        monkeypatch.setenv("TOKEN_SECRET", "t" * 40)
        monkeypatch.setenv("EVENT_SECRET", "short")
        with pytest.raises(config.ConfigError, match="EVENT_SECRET"):
            runner.configured("collection")
