"""Public supervision through supervision's entrypoints on migrated SQLite: a project's QR
code (decoded with zxing-cpp to PUBLIC_BASE_URL/p/<code>), its site sign, what a code names;
feedback sent by anyone, moderated by congress staff of the area, never showing the sender's
name or phone outside the staff view (nor in logs, events, metrics or the file); findings
from feedback and observations; social supervisors observing only their assigned projects."""

import base64
import io
import logging
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image
from prometheus_client import generate_latest
from servicekit.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from servicekit.metrics import REGISTRY
from sqlalchemy import text

from tests.support.supervision_public import (
    BASE,
    ELSEWHERE,
    GOV,
    NAME,
    OTHER_RENDA,
    PHONE,
    RENDA,
    ROAD,
    SCHOOL,
    STRANGER,
    SUP,
    World,
    observe,
    project_id,
    register,
)
from tests.support.workers import migrated_sessions


@pytest.fixture
def world(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", BASE + "/")
    with migrated_sessions("supervision", tmp_path) as sessions:
        yield World(sessions)


def decoded(answer):
    content = base64.b64decode(answer["content_base64"])
    (barcode,) = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(content)), formats=zxingcpp.BarcodeFormat.QRCode
    )
    return barcode.text


class TestCodes:
    def test_the_qr_png_decodes_to_the_projects_public_page(self, world):
        answer = world.worker(RENDA).get_project_qr(ROAD, "png")
        assert answer["content_type"] == "image/png"
        assert decoded(answer) == f"{BASE}/p/{world.code()}"
        assert answer["ascii_file_name"] == f"project-{world.code()}.png"

    def test_the_qr_svg_is_an_svg_with_a_title(self, world):
        answer = world.worker(RENDA).get_project_qr(ROAD, "svg")
        root = ET.fromstring(base64.b64decode(answer["content_base64"]))
        assert root.tag.endswith("svg") and answer["content_type"] == "image/svg+xml"
        assert "幸福路改造" in ET.tostring(root, encoding="unicode")

    def test_the_sign_carries_title_lead_unit_code_and_the_qr(self, world):
        answer = world.worker(RENDA).get_project_sign(ROAD)
        svg = base64.b64decode(answer["content_base64"]).decode()
        code = world.code()
        for expected in ("幸福路改造", "牵头单位：旗住建局", "扫码监督", f"{BASE}/p/{code}"):
            assert expected in svg
        assert f"{code[0]} {code[1:6]} {code[6:]}" in svg

    def test_codes_and_signs_are_for_congress_staff_of_the_area(self, world):
        with pytest.raises(Forbidden):
            world.worker(OTHER_RENDA).get_project_qr(ROAD, "png")
        with pytest.raises(Forbidden):
            world.worker(GOV).get_project_sign(ROAD)
        with pytest.raises(NotFound):
            world.worker(RENDA).get_project_qr(project_id(99), "png")

    def test_a_code_in_any_case_names_its_project_for_anyone(self, world):
        found = world.worker().get_project_by_code(world.code().lower())
        assert found["project_id"] == ROAD and found["title"] == "幸福路改造"
        assert (found["area_code"], found["year"], found["level"]) == ("150622", 2026, "banner")
        assert found["public_url"] == f"{BASE}/p/{world.code()}"

    @pytest.mark.parametrize("code", ["B0000000000", "nonsense", "", "B" + "1" * 40])
    def test_an_unknown_or_malformed_code_is_404(self, world, code):
        with pytest.raises(NotFound):
            world.worker().get_project_by_code(code)


class TestFeedback:
    def test_anyone_sends_it_and_it_waits_for_moderation(self, world):
        created = world.submit()
        assert created["state"] == "pending" and created["feedback_id"].startswith("B-")
        assert world.worker().list_public_feedback(world.code())["items"] == []

    def test_a_retry_with_the_same_key_makes_one(self, world):
        body = {"anonymous": True, "text": "工地夜间施工噪音大", "category": "safety"}
        first = world.worker().submit_feedback(world.code(), body, "key-1")
        again = world.worker().submit_feedback(world.code(), body, "key-1")
        assert first == again
        listed = world.worker(RENDA).list_feedback({"area_code": "150622"})
        assert listed["total"] == 1

    def test_bad_input_is_a_validation_error_and_writes_nothing(self, world):
        for body in (
            {"anonymous": False, "text": "路面开裂积水", "category": "quality"},  # no phone
            {"anonymous": True, "text": "长" * 5000, "category": "quality"},
            {"anonymous": True, "text": "路面开裂积水", "category": "进度"},
        ):
            with pytest.raises(ValidationFailed):
                world.worker().submit_feedback(world.code(), body)
        valid = {"anonymous": True, "text": "路面开裂积水", "category": "quality"}
        with pytest.raises(NotFound):
            world.worker().submit_feedback("B0000000000", valid)
        assert world.worker(RENDA).list_feedback({"area_code": "150622"})["total"] == 0

    def test_published_feedback_shows_no_name_or_phone_anywhere_public(self, world, caplog):
        caplog.set_level(logging.DEBUG)
        feedback_id = world.submit(photos=[])["feedback_id"]
        world.worker(RENDA).moderate_feedback(feedback_id, {"action": "publish"})
        public = world.worker().list_public_feedback(world.code())
        (item,) = public["items"]
        assert item["text"] == "路面三处开裂，雨天积水" and item["category_name"] == "质量"
        assert set(item) == {
            "id",
            "category",
            "category_name",
            "text",
            "photos",
            "submitted_at",
            "published_at",
        }
        assert PHONE not in str(public) and NAME not in str(public)
        assert PHONE not in caplog.text and NAME not in caplog.text
        assert all(PHONE not in str(r.__dict__) for r in caplog.records)
        assert PHONE not in str(world.file_lines()) and NAME not in str(world.file_lines())
        outbox = world.session.execute(text("select * from outbox")).all()
        assert PHONE not in str(outbox) and NAME not in str(outbox)
        metrics = generate_latest(REGISTRY).decode()
        assert "supervision_feedback_total" in metrics and PHONE not in metrics

    def test_staff_of_the_area_see_the_contact_to_call_back(self, world):
        world.submit()
        world.submit(pid=ELSEWHERE)
        listed = world.worker(RENDA).list_feedback({"area_code": "150622", "state": "pending"})
        (item,) = listed["items"]
        assert (item["name"], item["phone"], item["project_title"]) == (NAME, PHONE, "幸福路改造")
        with pytest.raises(Forbidden):
            world.worker(RENDA).list_feedback({"area_code": "150602"})
        with pytest.raises(Forbidden):
            world.worker(SUP).list_feedback({"area_code": "150622"})

    def test_an_anonymous_sender_leaves_no_contact(self, world):
        world.submit(anonymous=True, name=None, phone=None)
        (item,) = world.worker(RENDA).list_feedback({"area_code": "150622"})["items"]
        assert item["anonymous"] and item["name"] is None and item["phone"] is None


class TestModeration:
    def test_publishing_puts_a_public_line_in_the_file(self, world):
        feedback_id = world.submit()["feedback_id"]
        moderated = world.worker(RENDA).moderate_feedback(feedback_id, {"action": "publish"})
        assert moderated["state"] == "published" and moderated["moderated_by"] == "u-renda"
        (line,) = [line for line in world.file_lines() if line[1] == "public_feedback"]
        assert line[0] == "public" and line[3] == "群众" and "质量" in line[2]

    def test_hiding_needs_a_reason_and_takes_it_off_the_public_list(self, world):
        feedback_id = world.submit()["feedback_id"]
        staff = world.worker(RENDA)
        with pytest.raises(ValidationFailed):
            staff.moderate_feedback(feedback_id, {"action": "hide"})
        staff.moderate_feedback(feedback_id, {"action": "publish"})
        hidden = staff.moderate_feedback(feedback_id, {"action": "hide", "reason": "含广告"})
        assert hidden["state"] == "hidden" and hidden["hidden_reason"] == "含广告"
        assert world.worker().list_public_feedback(world.code())["items"] == []
        kinds = [line[1] for line in world.file_lines()]
        assert kinds.count("public_feedback") == 1 and "public_feedback_hidden" in kinds
        with pytest.raises(Conflict):
            staff.moderate_feedback(feedback_id, {"action": "hide", "reason": "再次"})

    def test_only_congress_staff_of_the_area_moderate(self, world):
        feedback_id = world.submit(pid=ELSEWHERE)["feedback_id"]
        with pytest.raises(Forbidden):
            world.worker(RENDA).moderate_feedback(feedback_id, {"action": "publish"})
        with pytest.raises(NotFound):
            world.worker(RENDA).moderate_feedback("B-" + "9" * 32, {"action": "publish"})

    def test_a_feedback_becomes_one_finding_with_a_supervision_line(self, world):
        feedback_id = world.submit()["feedback_id"]
        made = world.worker(RENDA).feedback_to_finding(feedback_id, {})
        assert (made["source"], made["source_ref"], made["state"]) == (
            "feedback",
            feedback_id,
            "open",
        )
        row = world.session.execute(
            text("select text, raised_by from findings where id = :id"), {"id": made["finding_id"]}
        ).one()
        assert tuple(row) == ("路面三处开裂，雨天积水", "u-renda")
        (line,) = [line for line in world.file_lines() if line[1] == "finding_raised"]
        assert line[0] == "supervision" and PHONE not in str(line)
        with pytest.raises(Conflict):
            world.worker(RENDA).feedback_to_finding(feedback_id, {"text": "再登记一次"})


class TestSocialSupervisors:
    def test_registered_with_projects_listed_for_staff(self, world):
        made = register(world)
        assert made["id"].startswith("B-") and made["project_ids"] == [ROAD]
        (listed,) = world.worker(RENDA).list_social_supervisors({"area_code": "150622"})["items"]
        assert listed["phone"] == "13700001111" and listed["subject"] == "u-sup"
        with pytest.raises(Forbidden):
            world.worker(OTHER_RENDA).list_social_supervisors({"area_code": "150622"})

    def test_one_account_registers_once_and_projects_must_be_the_areas(self, world):
        register(world)
        with pytest.raises(Conflict):
            register(world)
        with pytest.raises(RuleViolation) as refused:
            register(world, subject="u-other", project_ids=[ROAD, ELSEWHERE])
        assert refused.value.details["unknown"] == [ELSEWHERE]
        with pytest.raises(Forbidden):
            world.worker(SUP).register_social_supervisor(
                {"area_code": "150622", "subject": "u-x", "name": "钱某", "phone": "13700002222"}
            )

    def test_their_projects_are_replaced_as_a_whole(self, world):
        supervisor_id = register(world)["id"]
        put = world.worker(RENDA).put_supervisor_projects(
            supervisor_id, {"project_ids": [SCHOOL, SCHOOL]}
        )
        assert put["project_ids"] == [SCHOOL]
        with pytest.raises(RuleViolation):
            world.worker(RENDA).put_supervisor_projects(supervisor_id, {"project_ids": [ELSEWHERE]})
        with pytest.raises(NotFound):
            world.worker(RENDA).put_supervisor_projects("B-" + "9" * 32, {"project_ids": []})


class TestObservations:
    def test_a_supervisor_observes_an_assigned_project_and_the_file_notes_it(self, world):
        register(world)
        made = observe(world, photos=[])
        assert made["supervisor_name"] == "王监督" and made["finding_id"] is None
        (line,) = [line for line in world.file_lines() if line[1] == "observation"]
        assert line[0] == "public" and line[3] == "社会监督员" and "王监督" not in str(line)

    def test_only_assigned_projects_and_registered_supervisors(self, world):
        register(world)
        with pytest.raises(Forbidden):
            observe(world, project_id=SCHOOL)
        with pytest.raises(Forbidden):
            observe(world, principal=STRANGER)
        with pytest.raises(Forbidden):
            observe(world, principal=RENDA)
        with pytest.raises(ValidationFailed):
            observe(world, observed_on="2099-01-01")
        with pytest.raises(ValidationFailed):
            observe(world, category="quality-ish")

    def test_staff_see_the_areas_and_a_supervisor_their_own(self, world):
        register(world)
        register(world, subject="u-nobody", name="赵监督")
        observe(world)
        observe(world, principal=STRANGER, text="围挡缺失，行人绕行")
        staff = world.worker(RENDA).list_observations({"area_code": "150622"})
        assert len(staff["items"]) == 2
        own = world.worker(SUP).list_observations({"area_code": "150622", "project_id": ROAD})
        assert [o["supervisor_name"] for o in own["items"]] == ["王监督"]

    def test_staff_turn_an_observation_into_a_finding_once(self, world):
        register(world)
        observation_id = observe(world)["id"]
        made = world.worker(RENDA).observation_to_finding(observation_id, {"text": "未按期开工"})
        assert (made["source"], made["source_ref"]) == ("observation", observation_id)
        with pytest.raises(Conflict):
            world.worker(RENDA).observation_to_finding(observation_id, {})
        with pytest.raises(Forbidden):
            world.worker(SUP).observation_to_finding(observation_id, {})
        listed = world.worker(RENDA).list_observations({"area_code": "150622"})
        assert listed["items"][0]["finding_id"] == made["finding_id"]
