"""Public supervision's rules without a database: moderation moves, observation days, how a
code is printed, the site sign, and what the feedback and registration schemas refuse."""

import io
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
import zxingcpp
from contracts import supervision_public as c
from contracts.supervision import public_code_for, public_code_level
from marshmallow import ValidationError
from PIL import Image
from servicekit import qr
from supervision import signs
from supervision.domain import public as domain

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 6, 1)
PHOTO = {
    "file_name": "现场.jpg",
    "content_type": "image/jpeg",
    "size_bytes": 1000,
    "sha256": "a" * 64,
}
ANONYMOUS = {"anonymous": True, "text": "路面已经开裂三处", "category": "quality"}


class TestModeration:
    @pytest.mark.parametrize(
        ("state", "action", "moved"),
        [
            ("pending", "publish", "published"),
            ("pending", "hide", "hidden"),
            ("published", "hide", "hidden"),
            ("hidden", "publish", "published"),
        ],
    )
    def test_the_allowed_moves(self, state, action, moved):
        assert domain.moderate(state, action) == moved

    @pytest.mark.parametrize(("state", "action"), [("published", "publish"), ("hidden", "hide")])
    def test_the_same_act_twice_is_a_conflict(self, state, action):
        with pytest.raises(domain.PublicRefused) as refused:
            domain.moderate(state, action)
        assert refused.value.conflict and "不能再" in refused.value.message


class TestObservationDay:
    def test_today_and_a_year_back_are_allowed(self):
        domain.check_observed_on(TODAY, TODAY)
        domain.check_observed_on(TODAY - timedelta(days=366), TODAY)

    @pytest.mark.parametrize("day", [TODAY + timedelta(days=1), TODAY - timedelta(days=367)])
    def test_a_future_or_stale_day_is_refused_on_the_field(self, day):
        with pytest.raises(domain.PublicRefused) as refused:
            domain.check_observed_on(day, TODAY)
        assert refused.value.field == "observed_on" and not refused.value.conflict


def test_a_code_is_spelled_in_groups_and_read_back_in_lower_case():
    code = public_code_for("T-" + "a" * 32)
    assert domain.grouped(code).replace(" ", "") == code
    assert [len(part) for part in domain.grouped(code).split()] == [1, 5, 5]
    assert public_code_level(code.lower()) == "township"
    assert public_code_level("X" + code[1:]) is None


def test_only_the_missing_projects_are_named_in_their_order():
    assert domain.unknown_projects(["a", "b", "c"], {"b"}) == ["a", "c"]


class TestSign:
    SIGN = signs.Sign(
        title="幸福里<老旧小区>改造工程" * 4,
        area="准格尔旗 · 2026年民生实事",
        lead_department="旗住建局",
        deadline="2026年10月31日",
        code_words="T 7K2M9 QXAB1",
        url="https://minsheng.example.cn/p/T7K2M9QXAB1",
    )

    def test_the_sign_is_one_a4_page_with_everything_a_passer_by_needs(self):
        svg = signs.sign_svg(self.SIGN)
        root = ET.fromstring(svg)  # well-formed: the title's <> are escaped
        assert (root.get("width"), root.get("height")) == ("210mm", "297mm")
        texts = [t.text for t in root.iter(f"{SVG}text")]
        assert "扫码监督" in texts and "牵头单位：旗住建局" in texts
        assert "完成时限：2026年10月31日" in texts and "项目码 T 7K2M9 QXAB1" in texts
        assert self.SIGN.url in texts
        assert texts[1].startswith("幸福里<老旧小区>") and texts[3].endswith("…")

    def test_a_project_without_a_plan_says_to_be_decided(self):
        sign = signs.Sign("小区改造", "准格尔旗", None, None, "T 7K2M9 QXAB1", "https://x/p/T")
        texts = [t.text for t in ET.fromstring(signs.sign_svg(sign)).iter(f"{SVG}text")]
        assert "牵头单位：待定" in texts and "完成时限：待定" in texts


def test_the_shared_qr_png_decodes_to_the_url():
    url = "https://minsheng.example.cn/p/T7K2M9QXAB1"
    (barcode,) = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(qr.png(url))), formats=zxingcpp.BarcodeFormat.QRCode
    )
    assert barcode.text == url


class TestFeedbackIn:
    def load(self, **changes):
        return c.FeedbackIn().load({**ANONYMOUS, **changes})

    def test_anonymous_feedback_needs_no_contact(self):
        assert self.load(photos=[PHOTO])["photos"] == [PHOTO]

    def test_a_named_feedback_needs_a_phone(self):
        with pytest.raises(ValidationError) as refused:
            self.load(anonymous=False, name="张三")
        assert "phone" in refused.value.messages
        assert self.load(anonymous=False, name="张三", phone="13800001111")["phone"]

    def test_anonymous_feedback_refuses_a_contact(self):
        with pytest.raises(ValidationError) as refused:
            self.load(phone="13800001111")
        assert "anonymous" in refused.value.messages

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"category": "进度"}, "category"),  # the code, not the Chinese name
            ({"text": "太短"}, "text"),
            ({"text": "长" * 2001}, "text"),
            ({"anonymous": False, "phone": "abc"}, "phone"),
            ({"photos": [PHOTO] * 11}, "photos"),
            ({"photos": [{**PHOTO, "content_type": "text/html"}]}, "photos"),
            ({"rating": 5}, "rating"),
        ],
    )
    def test_bad_input_is_named_by_its_field(self, changes, field):
        with pytest.raises(ValidationError) as refused:
            self.load(**changes)
        assert field in refused.value.messages


def test_hiding_needs_a_reason_and_publishing_does_not():
    assert c.ModerationIn().load({"action": "publish"})["reason"] is None
    with pytest.raises(ValidationError) as refused:
        c.ModerationIn().load({"action": "hide"})
    assert "reason" in refused.value.messages
    with pytest.raises(ValidationError):
        c.ModerationIn().load({"action": "delete", "reason": "x"})


def test_record_ids_name_their_level():
    assert c.record_level("B-" + "0" * 32) == "banner"
    assert c.record_level("B-" + "0" * 31) is None and c.record_level(None) is None
