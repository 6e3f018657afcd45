"""Intake completed, through CollectionService's entrypoints (worker_factory, migrated SQLite):
every channel, supporters, attachments, duplicate suggestions, merges and petition matters."""

import uuid
from datetime import UTC, datetime

import pytest
from collection.db.models import Attachment, Proposal, Supporter
from collection.storage import UrlAttachmentStore
from contracts.events import MATTER_CONVERTED_TO_PROPOSAL
from servicekit.auth import ANONYMOUS, Principal
from servicekit.clock import utcnow
from servicekit.consumer import InvalidEvent
from servicekit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RuleViolation,
    Unauthenticated,
    ValidationFailed,
)
from servicekit.outbox import build_envelope
from servicekit.relay import OUTBOX
from sqlalchemy import func, select

from tests.support.collection_worker import collection_worker
from tests.support.factories import add_notice

GOV = Principal("g-1", ("government_staff",), "150602")
GOV_ELSEWHERE = Principal("g-2", ("government_staff",), "150622")
DEPUTY = Principal("d-1", ("deputy",), "150602")
DEPT = Principal("p-1", ("department_staff",), "150602")
CONGRESS = Principal("c-1", ("congress_staff",), "150602")
AREA = "150602001"
SHA = "ab" * 32
BODY = {
    "title": "林荫街道广场修缮",
    "description": "广场地砖破损严重，老人晨练容易摔倒，希望尽快修缮广场并增加健身器材。",
    "category": "基础设施",
    "area_code": AREA,
    "location": {"text": "林荫街道中心广场", "lat": 39.8170, "lng": 109.9900},
}
DEPUTY_BODY = {
    **BODY,
    "channel": "deputy",
    "deputy_name": "李代表",
    "liaison_station": "林荫街道人大代表联络站",
    "supporters": [
        {"name": "王某", "phone": "13800000001", "suggestion": "广场地砖要换"},
        {"suggestion": "希望加装路灯"},
    ],
}
PHOTO = {"file_name": "广场.jpg", "content_type": "image/jpeg", "size_bytes": 2048, "sha256": SHA}


def service(session, principal=ANONYMOUS):
    return collection_worker(
        session,
        principal,
        request_id="req-intake-test",
        storage=UrlAttachmentStore("file:///srv/attachments"),
    )


def count(session, what):
    return session.scalar(select(func.count()).select_from(what))


def written(session):
    return [count(session, t) for t in (Proposal, Supporter, Attachment, OUTBOX)]


class TestChannels:
    def test_deputy_collection_keeps_the_station_and_the_residents(self, session):
        add_notice(session)
        created = service(session, DEPUTY).submit_proposal(DEPUTY_BODY)
        detail = service(session, GOV).get_proposal(created["id"])
        assert detail["liaison_station"] == "林荫街道人大代表联络站"
        assert [s["suggestion"] for s in detail["supporters"]] == ["广场地砖要换", "希望加装路灯"]
        assert {s["channel"] for s in detail["supporters"]} == {"deputy"}
        assert detail["year"] == 2027 and detail["channels"] == ["deputy"]
        stored = session.get(Proposal, created["id"]).shingles.split()
        assert stored[:2] == ["林荫", "荫街"] and len(stored) > 10  # its duplicate signature

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({**DEPUTY_BODY, "liaison_station": None}, "liaison_station"),
            ({**DEPUTY_BODY, "deputy_name": None}, "deputy_name"),
            ({**BODY, "channel": "department"}, "department_name"),
            ({**BODY, "channel": "petition"}, "channel"),
            ({**BODY, "supporters": [{"suggestion": "同意"}]}, "supporters"),
            ({**DEPUTY_BODY, "supporters": [{"suggestion": "x"}] * 201}, "supporters"),
            ({**BODY, "attachments": [PHOTO] * 11}, "attachments"),
            ({**BODY, "attachments": [{**PHOTO, "content_type": "text/html"}]}, "attachments"),
            ({**BODY, "attachments": [{**PHOTO, "size_bytes": 20 * 2**20 + 1}]}, "attachments"),
            ({**BODY, "attachments": [{**PHOTO, "sha256": "xyz"}]}, "attachments"),
        ],
    )
    def test_bad_channel_data_is_a_400_that_writes_nothing(self, session, body, field):
        add_notice(session)
        with pytest.raises(ValidationFailed) as refused:
            service(session, GOV).submit_proposal(body)
        assert field in refused.value.details
        assert written(session) == [0, 0, 0, 0]

    @pytest.mark.parametrize(
        ("channel", "allowed", "refused"),
        [
            ("visit", GOV, DEPT),
            ("letter", CONGRESS, DEPUTY),
            ("department", DEPT, DEPUTY),
            ("hotline", GOV, CONGRESS),
        ],
    )
    def test_each_staff_channel_has_its_roles(self, session, channel, allowed, refused):
        add_notice(session)
        body = {**BODY, "channel": channel, "department_name": "旗住建局"}
        with pytest.raises(Forbidden):
            service(session, refused).submit_proposal(body)
        with pytest.raises(Unauthenticated):
            service(session).submit_proposal(body)
        assert service(session, allowed).submit_proposal(body)["status"] == "submitted"
        assert count(session, Proposal) == 1

    def test_attachments_get_a_content_addressed_location(self, session):
        add_notice(session)
        created = service(session).submit_proposal({**BODY, "attachments": [PHOTO]})
        row = session.scalars(select(Attachment)).one()
        assert row.proposal_id == created["id"]
        assert row.storage_uri == f"file:///srv/attachments/ab/{SHA}"


class TestDuplicateSuggestions:
    def test_staff_see_possible_duplicates_and_the_public_does_not(self, session):
        add_notice(session)
        first = service(session).submit_proposal(BODY)
        public = service(session).submit_proposal({**BODY, "title": "修缮林荫街道广场"})
        assert "possible_duplicates" not in public
        staff = service(session, GOV).submit_proposal({**BODY, "channel": "visit"})
        found = {d["id"] for d in staff["possible_duplicates"]}
        assert found == {first["id"], public["id"]}
        assert all(
            0 < d["score"] <= 1 and d["distance_m"] == 0 for d in staff["possible_duplicates"]
        )

    def test_on_demand_only_within_scope(self, session):
        add_notice(session)
        first = service(session).submit_proposal(BODY)
        second = service(session).submit_proposal(BODY)
        items = service(session, GOV).suggest_duplicates(second["id"])["items"]
        assert [d["id"] for d in items] == [first["id"]]
        with pytest.raises(Forbidden):
            service(session, GOV_ELSEWHERE).suggest_duplicates(second["id"])
        with pytest.raises(Unauthenticated):
            service(session).suggest_duplicates(second["id"])
        with pytest.raises(NotFound):
            service(session, GOV).suggest_duplicates(str(uuid.uuid4()))


class TestSupportersAndAttachments:
    def test_staff_add_supporters_and_attachments_within_scope(self, session):
        add_notice(session)
        pid = service(session).submit_proposal(BODY)["id"]
        supporter = {"name": "赵某", "phone": "13900000000", "suggestion": "赞成"}
        added = service(session, DEPUTY).add_supporter(pid, {**supporter, "channel": "deputy"})
        assert added["channel"] == "deputy" and added["name"] == "赵某"
        attached = service(session, DEPUTY).add_attachment(pid, PHOTO, "att-1")
        again = service(session, DEPUTY).add_attachment(pid, PHOTO, "att-1")
        assert again == attached and count(session, Attachment) == 1
        with pytest.raises(Forbidden):
            service(session, GOV_ELSEWHERE).add_supporter(pid, supporter)
        with pytest.raises(Forbidden):
            service(session, GOV_ELSEWHERE).add_attachment(pid, PHOTO)
        with pytest.raises(Unauthenticated):
            service(session).add_attachment(pid, PHOTO)
        with pytest.raises(ValidationFailed) as refused:
            service(session, GOV).add_attachment(pid, {**PHOTO, "content_type": "video/mp4"})
        assert "content_type" in refused.value.details
        assert count(session, Supporter) == 1 and count(session, Attachment) == 1

    def test_an_eleventh_attachment_is_refused(self, session):
        add_notice(session)
        pid = service(session).submit_proposal({**BODY, "attachments": [PHOTO] * 10})["id"]
        with pytest.raises(RuleViolation):
            service(session, GOV).add_attachment(pid, PHOTO)
        assert count(session, Attachment) == 10


def submit_three(session):
    add_notice(session)
    target = service(session, DEPUTY).submit_proposal(DEPUTY_BODY)
    online = service(session).submit_proposal(
        {**BODY, "submitter_name": "刘某", "submitter_phone": "13700000000"}
    )
    hotline = service(session, GOV).submit_proposal({**BODY, "channel": "hotline"})
    return target, online, hotline


class TestMerge:
    def test_target_keeps_every_supporter_and_channel_and_codes_follow(self, session):
        target, online, hotline = submit_three(session)
        merged = service(session, GOV).merge_proposals(
            {"target_id": target["id"], "source_ids": [online["id"], hotline["id"]]}
        )
        assert merged["channels"] == ["deputy", "online", "hotline"]
        assert {m["tracking_code"] for m in merged["merged_from"]} == {
            online["tracking_code"],
            hotline["tracking_code"],
        }
        names = {s["name"] for s in merged["supporters"]}
        assert {"王某", "刘某"} <= names and len(merged["supporters"]) == 4
        from_online = next(s for s in merged["supporters"] if s["name"] == "刘某")
        assert from_online["merged_from_id"] == online["id"] and from_online["channel"] == "online"
        tracked = service(session).track_proposal(online["tracking_code"])
        assert tracked["status"] == "merged" and tracked["merged_into"] == target["tracking_code"]
        assert "刘某" not in str(tracked) and "13700000000" not in str(tracked)
        assert service(session, GOV).suggest_duplicates(target["id"])["items"] == []

    def test_a_retried_merge_answers_the_same_and_changes_nothing(self, session):
        target, online, hotline = submit_three(session)
        merge = {"target_id": target["id"], "source_ids": [online["id"], hotline["id"]]}
        first = service(session, GOV).merge_proposals(merge)
        before = written(session)
        assert service(session, GOV).merge_proposals(merge) == first
        assert written(session) == before

    def test_the_sources_attachments_show_on_the_target(self, session):
        add_notice(session)
        target = service(session).submit_proposal(BODY)
        source = service(session).submit_proposal({**BODY, "attachments": [PHOTO]})
        merged = service(session, GOV).merge_proposals(
            {"target_id": target["id"], "source_ids": [source["id"]]}
        )
        assert [a["proposal_id"] for a in merged["attachments"]] == [source["id"]]

    def test_a_merged_target_merged_again_takes_its_sources_along(self, session):
        target, online, hotline = submit_three(session)
        gov = service(session, GOV)
        gov.merge_proposals({"target_id": online["id"], "source_ids": [hotline["id"]]})
        merged = gov.merge_proposals({"target_id": target["id"], "source_ids": [online["id"]]})
        assert set(merged["channels"]) == {"deputy", "online", "hotline"}
        assert len(merged["merged_from"]) == 2
        tracked = service(session).track_proposal(hotline["tracking_code"])
        assert tracked["merged_into"] == target["tracking_code"]

    @pytest.mark.parametrize(
        "principal", [DEPUTY, CONGRESS, GOV_ELSEWHERE, ANONYMOUS], ids=lambda p: str(p.roles)
    )
    def test_only_government_staff_in_scope_merge(self, session, principal):
        target, online, _ = submit_three(session)
        with pytest.raises((Forbidden, Unauthenticated)):
            service(session, principal).merge_proposals(
                {"target_id": target["id"], "source_ids": [online["id"]]}
            )
        assert count(session, select(Proposal).where(Proposal.status == "merged").subquery()) == 0

    def test_a_proposal_in_the_library_can_be_a_target_but_not_a_source(self, session):
        target, online, hotline = submit_three(session)
        gov = service(session, GOV)
        accept = {"public_benefit": 4, "inclusive": 4, "urgency": 4, "assessable": 4}
        gov.screen_proposal(online["id"], {**accept, "verdict": "in_library"})
        with pytest.raises(RuleViolation) as refused:
            gov.merge_proposals({"target_id": target["id"], "source_ids": [online["id"]]})
        assert online["tracking_code"] in refused.value.message
        merged = gov.merge_proposals({"target_id": online["id"], "source_ids": [hotline["id"]]})
        assert merged["status"] == "in_library" and len(merged["merged_from"]) == 1

    def test_refusals_write_nothing(self, session):
        target, online, hotline = submit_three(session)
        gov = service(session, GOV)
        with pytest.raises(ValidationFailed):
            gov.merge_proposals({"target_id": target["id"], "source_ids": [target["id"]]})
        with pytest.raises(ValidationFailed):
            gov.merge_proposals({"target_id": "not-a-uuid", "source_ids": []})
        with pytest.raises(NotFound):
            gov.merge_proposals({"target_id": target["id"], "source_ids": [str(uuid.uuid4())]})
        add_notice(session, area_code="150602010")
        other = service(session).submit_proposal({**BODY, "area_code": "150602010"})
        with pytest.raises(RuleViolation):
            gov.merge_proposals({"target_id": target["id"], "source_ids": [other["id"]]})
        gov.merge_proposals({"target_id": target["id"], "source_ids": [online["id"]]})
        before = written(session)
        with pytest.raises(RuleViolation):
            gov.merge_proposals({"target_id": hotline["id"], "source_ids": [online["id"]]})
        with pytest.raises(RuleViolation):
            gov.merge_proposals({"target_id": online["id"], "source_ids": [hotline["id"]]})
        assert written(session) == before
        with pytest.raises(Conflict):
            gov.add_supporter(online["id"], {"suggestion": "赞成"})


class TestBadInput:
    @pytest.mark.parametrize(
        ("call", "error"),
        [
            (lambda w, pid: w.add_supporter(pid, {"suggestion": ""}), ValidationFailed),
            (lambda w, pid: w.add_supporter(pid, "同意"), ValidationFailed),
            (lambda w, pid: w.add_supporter(pid, {"suggestion": "x", "age": 3}), ValidationFailed),
            (
                lambda w, pid: w.add_supporter(pid, {"suggestion": "x", "phone": "abc"}),
                ValidationFailed,
            ),
            (
                lambda w, pid: w.add_attachment(pid, {**PHOTO, "size_bytes": "big"}),
                ValidationFailed,
            ),
            (lambda w, pid: w.add_attachment(pid, [PHOTO]), ValidationFailed),
            (lambda w, pid: w.add_supporter("no-such-id", {"suggestion": "x"}), NotFound),
            (lambda w, pid: w.add_attachment("no-such-id", PHOTO), NotFound),
            (lambda w, pid: w.suggest_duplicates("x" * 500), NotFound),
            (lambda w, pid: w.merge_proposals({"target_id": pid}), ValidationFailed),
            (
                lambda w, pid: w.merge_proposals({"target_id": pid, "source_ids": "x"}),
                ValidationFailed,
            ),
            (lambda w, pid: w.merge_proposals(None), ValidationFailed),
        ],
    )
    def test_is_a_4xx_that_writes_nothing(self, session, call, error):
        add_notice(session)
        pid = service(session).submit_proposal(BODY)["id"]
        before = written(session)
        with pytest.raises(error):
            call(service(session, GOV), pid)
        assert written(session) == before

    def test_anonymous_callers_are_refused_everywhere(self, session):
        add_notice(session)
        pid = service(session).submit_proposal(BODY)["id"]
        anonymous = service(session)
        for call in (
            lambda: anonymous.add_supporter(pid, {"suggestion": "x"}),
            lambda: anonymous.add_attachment(pid, PHOTO),
            lambda: anonymous.suggest_duplicates(pid),
            lambda: anonymous.get_proposal(pid),
            lambda: anonymous.merge_proposals(
                {"target_id": pid, "source_ids": [str(uuid.uuid4())]}
            ),
        ):
            with pytest.raises(Unauthenticated):
                call()


def matter_envelope(matter_id="M-2027-0001", converted_at=None, area_code=AREA):
    payload = {
        "matter_id": matter_id,
        "area_code": area_code,
        "level": "township",
        "title": "哈巴格希街道广场翻新",
        "description": "居民扫码反映广场设施老旧，代表建议列为民生实事。",
        "category": "基础设施",
        "location_text": "哈巴格希街道广场",
        "deputy_name": "张代表",
        "converted_at": (converted_at or datetime(2026, 12, 31, 17, 0, tzinfo=UTC)).isoformat(),
    }
    return build_envelope(
        MATTER_CONVERTED_TO_PROPOSAL,
        payload,
        area_code=area_code,
        level="township",
        correlation_id="c",
    )


class TestPetitionMatters:
    def test_one_proposal_per_matter_however_often_it_arrives(self, session):
        notice_id = add_notice(session)
        event = matter_envelope()
        worker = service(session)
        worker.handle_petition_matter_converted_to_proposal(event)
        worker.handle_petition_matter_converted_to_proposal(event)
        republished = matter_envelope()  # same matter, new event id
        worker.handle_petition_matter_converted_to_proposal(republished)
        proposal = session.scalars(select(Proposal)).one()
        assert proposal.channel == "petition" and proposal.source_matter_id == "M-2027-0001"
        assert proposal.notice_id == notice_id and proposal.year == 2027
        assert proposal.submitter_phone is None and proposal.deputy_name == "张代表"
        events = session.execute(select(OUTBOX.c.event_type)).scalars().all()
        assert events == ["proposal_submitted_v1"]
        assert proposal.shingles  # compared by duplicate suggestions like any other

    def test_without_any_notice_the_year_is_the_beijing_year(self, session):
        # 2026-12-31 17:00 UTC is already 2027-01-01 in Beijing.
        service(session).handle_petition_matter_converted_to_proposal(matter_envelope())
        proposal = session.scalars(select(Proposal)).one()
        assert proposal.notice_id is None and proposal.year == 2027

    def test_a_closed_notice_is_used_when_nothing_is_open_or_upcoming(self, session):
        old = add_notice(session, days=(-90, -60), year=2026)
        add_notice(session, days=(-200, -150), year=2025)
        service(session).handle_petition_matter_converted_to_proposal(
            matter_envelope(converted_at=utcnow())
        )
        proposal = session.scalars(select(Proposal)).one()
        assert proposal.notice_id == old and proposal.year == 2026

    def test_a_bad_event_raises_and_writes_nothing(self, session):
        event = matter_envelope()
        event["payload"]["category"] = "不存在的类别"
        with pytest.raises(InvalidEvent, match="category"):  # dead-lettered without retries
            service(session).handle_petition_matter_converted_to_proposal(event)
        assert written(session) == [0, 0, 0, 0]
