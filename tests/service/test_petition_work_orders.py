"""12345 work orders through petition's entrypoints on migrated SQLite: import (JSON and CSV,
all or nothing), the signed webhook (idempotent by order number, history kept), time limits
by type and area, who sees what, supervision, urges, ratings, opening a matter, the study."""

import base64
import io
import json

import pytest
from openpyxl import load_workbook
from servicekit.auth import ANONYMOUS
from servicekit.errors import (
    Conflict,
    Forbidden,
    RuleViolation,
    Unauthenticated,
    ValidationFailed,
)
from servicekit.relay import OUTBOX
from sqlalchemy import select

from tests.support import petition as p
from tests.support import work_orders as w
from tests.support.workers import migrated_sessions, service_worker


@pytest.fixture
def world(tmp_path):
    with migrated_sessions("petition", tmp_path) as sessions:
        yield p.build(sessions)


def worker(world, principal=ANONYMOUS, hotline=None):
    return service_worker("petition", world.sessions, principal, hotline=hotline or w.link())


def imported(world, *orders, principal=p.RENDA):
    body = {"area_code": "150622", "orders": list(orders) or [w.ORDER]}
    return worker(world, principal).import_work_orders(body)


def the_order(world, principal=p.RENDA):
    return imported(world, principal=principal)["orders"][0]["id"]


class TestImport:
    def test_json_orders_get_the_default_limit_of_their_type(self, world):
        result = imported(world, w.ORDER, w.order(order_no="GD-2", order_type="咨询"))
        assert (result["imported"], result["created"]) == (2, 2)
        first, second = (worker(world, p.RENDA).get_work_order(o["id"]) for o in result["orders"])
        # 投诉: 15 working days after Monday 2 November 2026 -> Monday 23 November
        assert (first["time_limit_days"], first["due_on"], first["limit_source"]) == (
            15,
            "2026-11-23",
            "default",
        )
        assert (second["time_limit_days"], second["due_on"]) == (2, "2026-11-04")
        assert first["order_type_name"] == "投诉" and first["status"] == "dispatched"

    def test_a_csv_file_with_chinese_headers(self, world):
        body = {"area_code": "150622", "csv": w.CSV}
        result = worker(world, p.RENDA).import_work_orders(body)
        assert result["created"] == 2
        listed = worker(world, p.RENDA).list_work_orders({"area_code": "150622"})
        assert {o["order_no"] for o in listed["items"]} == {"GD-C-1", "GD-C-2"}

    def test_any_bad_row_refuses_the_whole_file_naming_each(self, world):
        rows = [
            w.ORDER,
            w.order(order_no="GD-2", order_type="闲聊"),
            w.order(order_no="GD-3", area_code="150602001"),  # 东胜区: not the importer's
            w.order(order_no="GD-4", received_at="2027-01-04T09:00"),
        ]
        with pytest.raises(RuleViolation) as refused:
            worker(world, p.RENDA).import_work_orders({"area_code": "150622", "orders": rows})
        problems = {r["line"]: r["errors"] for r in refused.value.details["rows"]}
        assert set(problems) == {2, 3, 4}
        assert "order_type" in problems[2] and "area_code" in problems[3]
        assert "received_at" in problems[4]  # 2027: the calendar does not know the year yet
        assert worker(world, p.RENDA).list_work_orders({"area_code": "150622"})["total"] == 0

    def test_the_same_order_twice_is_unchanged_and_a_change_is_an_update(self, world):
        imported(world)
        again = imported(world)
        assert (again["created"], again["unchanged"]) == (0, 1)
        changed = imported(world, w.order(status="办理中"))
        assert changed["updated"] == 1
        detail = worker(world, p.RENDA).get_work_order(changed["orders"][0]["id"])
        assert [h["status_to"] for h in detail["history"]] == ["dispatched", "handling"]
        assert detail["history"][1]["changed"] == ["status"]

    def test_only_congress_staff_of_the_area_import(self, world):
        with pytest.raises(Forbidden):
            imported(world, principal=p.WANG)
        with pytest.raises(Forbidden):
            worker(world, p.OTHER_RENDA).import_work_orders(
                {"area_code": "150622", "orders": [w.ORDER]}
            )

    def test_orders_or_csv_one_of_the_two(self, world):
        with pytest.raises(ValidationFailed):
            worker(world, p.RENDA).import_work_orders({"area_code": "150622"})

    def test_an_area_sets_its_own_limit_and_the_areas_below_inherit_it(self, world):
        limits = worker(world, p.RENDA).put_hotline_time_limits(
            "150622", {"limits": {"complaint": 5}}
        )
        assert limits["limits"]["complaint"] == 5 and limits["sources"]["complaint"] == "area"
        below = worker(world, p.TOWN_RENDA).get_hotline_time_limits("150622100")
        assert below["limits"]["complaint"] == 5 and below["limits"]["consult"] == 2
        detail = worker(world, p.RENDA).get_work_order(the_order(world))
        assert (detail["time_limit_days"], detail["due_on"]) == (5, "2026-11-09")

    def test_an_order_with_its_own_limit_keeps_it(self, world):
        result = imported(world, w.order(time_limit_days=3))
        detail = worker(world, p.RENDA).get_work_order(result["orders"][0]["id"])
        assert (detail["time_limit_days"], detail["limit_source"]) == (3, "order")


class TestWebhook:
    def test_a_signed_order_is_created_and_a_redelivery_answers_the_same(self, world):
        delivery = w.delivery(w.ORDER)
        first = worker(world).receive_work_order(delivery)
        assert first["version"] == 1 and first["status"] == "dispatched"
        assert worker(world).receive_work_order(w.delivery(w.ORDER)) == first

    def test_a_changed_status_updates_and_keeps_history(self, world):
        worker(world).receive_work_order(w.delivery(w.ORDER))
        closed = w.order(
            status="已办结", closed_at="2026-11-10T16:00:00+08:00", return_visit="满意"
        )
        receipt = worker(world).receive_work_order(w.delivery(closed))
        assert (receipt["version"], receipt["status"]) == (2, "closed")
        detail = worker(world, p.RENDA).get_work_order(receipt["id"])
        assert [h["source"] for h in detail["history"]] == ["webhook", "webhook"]
        assert set(detail["history"][1]["changed"]) == {"status", "closed_at", "return_visit"}

    @pytest.mark.parametrize(
        ("tamper", "reason"),
        [
            (lambda d: {**d, "signature": None}, "unsigned"),
            (lambda d: {**d, "body": d["body"].replace("住建局", "民政局")}, "bad_signature"),
            (lambda d: w.delivery(w.ORDER, secret="another-secret-" + "x" * 32), "bad_signature"),
            (lambda d: w.delivery(w.ORDER, at=1_700_000_000), "stale"),
            (lambda d: {**d, "timestamp": "soon"}, "unsigned"),
        ],
    )
    def test_a_bad_or_old_signature_is_refused_and_nothing_is_written(self, world, tamper, reason):
        with pytest.raises(Unauthenticated) as refused:
            worker(world).receive_work_order(tamper(w.delivery(w.ORDER)))
        assert refused.value.details == {"reason": reason}
        assert worker(world, p.RENDA).list_work_orders({"area_code": "150622"})["total"] == 0

    def test_without_a_secret_the_webhook_refuses_everything(self, world):
        off = w.link()
        off.inbound_secret = b""
        with pytest.raises(Unauthenticated) as refused:
            worker(world, hotline=off).receive_work_order(w.delivery(w.ORDER))
        assert refused.value.details == {"reason": "not_configured"}

    def test_a_signed_body_that_is_no_order_is_a_400_or_422(self, world):
        with pytest.raises(ValidationFailed):
            worker(world).receive_work_order(w.delivery("[1, 2]"))
        with pytest.raises(RuleViolation) as refused:
            worker(world).receive_work_order(w.delivery(w.order(order_type="闲聊")))
        assert "order_type" in refused.value.details["rows"][0]["errors"]


class TestViews:
    def test_lists_carry_no_callers_contact_and_the_detail_does_for_staff(self, world):
        order_id = the_order(world)
        listed = worker(world, p.WANG).list_work_orders({"area_code": "150622100"})
        assert "刘秀英" not in json.dumps(listed, ensure_ascii=False)
        assert "13912345678" not in json.dumps(listed)
        detail = worker(world, p.RENDA).get_work_order(order_id)
        assert detail["resident"] == {"name": "刘秀英", "phone": "13912345678"}
        unwatched = worker(world, p.WANG).get_work_order(order_id)
        assert unwatched["resident"] == {"name": None, "phone": None}
        watched = worker(world, p.WANG).supervise_work_order(order_id, {})
        assert watched["resident"]["phone"] == "13912345678"  # the deputy may call back

    def test_other_areas_are_refused(self, world):
        order_id = the_order(world)
        with pytest.raises(Forbidden):
            worker(world, p.OTHER_RENDA).get_work_order(order_id)
        with pytest.raises(Forbidden):
            worker(world, p.OTHER_RENDA).list_work_orders({"area_code": "150622"})
        with pytest.raises(Forbidden):
            worker(world, p.ZHUJIAN).list_work_orders({"area_code": "150622"})


class TestSupervision:
    def test_a_deputy_supervises_urges_and_rates_once_closed(self, world):
        order_id = the_order(world)
        wang = worker(world, p.WANG)
        watched = wang.supervise_work_order(order_id, {"note": "疑难工单，跟踪督办"})
        assert watched["supervised_by_me"] and watched["supervisors"] == 1
        assert wang.supervise_work_order(order_id, {})["supervisors"] == 1  # the same supervision
        urged = wang.urge_work_order(order_id, {"text": "请住建局本周内修复"})
        (urge,) = urged["urges"]
        assert (urge["deputy_name"], urge["text"]) == ("王建国", "请住建局本周内修复")
        with pytest.raises(Conflict):
            wang.rate_work_order(order_id, {"rating": "satisfied"})  # not closed yet
        imported(world, w.order(status="已办结", closed_at="2026-11-20T10:00:00+08:00"))
        rated = wang.rate_work_order(order_id, {"rating": "basically", "comment": "修好了但较慢"})
        assert rated["supervision"][0]["rating"] == "basically"
        with pytest.raises(Conflict):
            wang.rate_work_order(order_id, {"rating": "satisfied"})
        with pytest.raises(Conflict):
            wang.urge_work_order(order_id, {"text": "再催"})  # closed

    def test_urging_needs_supervision_and_a_deputy_of_the_area(self, world):
        order_id = the_order(world)
        with pytest.raises(Conflict):
            worker(world, p.ZHAO).urge_work_order(order_id, {"text": "请尽快办理"})
        with pytest.raises(Forbidden):
            worker(world, p.RENDA).supervise_work_order(order_id, {})  # staff do not supervise
        with pytest.raises(Forbidden):
            worker(world, p.NOBODY).supervise_work_order(order_id, {})  # no profile

    def test_overdue_supervised_orders_for_the_deputy_and_for_staff(self, world):
        late = imported(world, w.ORDER, w.order(order_no="GD-LATER",
                        received_at="2026-12-01T09:00:00+08:00"))  # fmt: skip
        first = late["orders"][0]["id"]
        worker(world, p.WANG).supervise_work_order(first, {})
        query = {"area_code": "150622100", "mine": True, "overdue": True}
        mine = worker(world, p.WANG).list_work_orders(query)
        assert [o["id"] for o in mine["items"]] == [first] and mine["items"][0]["overdue"]
        staff = worker(world, p.RENDA).list_work_orders(
            {"area_code": "150622", "supervised": True, "overdue": True}
        )
        assert [o["id"] for o in staff["items"]] == [first]
        assert worker(world, p.ZHAO).list_work_orders(query)["total"] == 0

    def test_a_deputy_opens_a_matter_from_an_order(self, world):
        order_id = the_order(world)
        created = worker(world, p.WANG).open_matter_from_work_order(order_id, {})
        matter = worker(world, p.WANG).get_matter(created["id"])
        assert matter["channel"] == "hotline" and matter["text"] == w.ORDER["content"]
        assert "刘秀英" not in json.dumps(matter, ensure_ascii=False)  # no caller copied
        assert worker(world, p.RENDA).get_work_order(order_id)["matter_id"] == created["id"]
        with pytest.raises(Conflict):
            worker(world, p.WANG).open_matter_from_work_order(order_id, {})
        events = world.sessions["petition"].execute(
            select(OUTBOX.c.event_type).where(OUTBOX.c.event_type == "matter_submitted_v1")
        )
        assert len(events.all()) == 1


class TestStudy:
    REPEATS = [
        w.ORDER,
        w.order(order_no="GD-R2", received_at="2026-11-20T09:00:00+08:00",
                address="薛家湾镇迎宾路 18 号东门", title="路灯又坏了"),
        w.order(order_no="GD-R3", received_at="2026-12-01T09:00:00+08:00", address="别处",
                title="迎宾路小区 路灯不亮！", handling_unit="供电公司"),
        w.order(order_no="GD-C", order_type="咨询", category="社会保障", address=None, title=None,
                status="已办结", closed_at="2026-11-03T09:30:00+08:00", handling_unit="医保局"),
    ]  # fmt: skip

    def test_counts_repeats_and_slowest_units(self, world):
        imported(world, *self.REPEATS)
        report = worker(world, p.WANG).get_hotline_report({"area_code": "150622100"})
        assert report["orders"] == 4
        assert {r["month"]: r["count"] for r in report["by_month"]} == {"2026-11": 3, "2026-12": 1}
        assert report["by_category"][0] == {"category": "城乡建设", "count": 3}
        kinds = {(g["kind"], tuple(g["order_nos"])) for g in report["repeats"]}
        assert ("place", ("GD12345-20261102-0001", "GD-R2")) in kinds
        assert ("subject", ("GD12345-20261102-0001", "GD-R3")) in kinds
        units = {u["handling_unit"]: u for u in report["slowest_units"]}
        assert units["医保局"]["mean_days"] == 1.0 and units["医保局"]["closed"] == 1

    def test_the_export_quotes_formula_like_cells(self, world):
        imported(world, *self.REPEATS, w.order(order_no="GD-X", address="=HYPERLINK(1)",
                 received_at="2026-11-21T09:00:00+08:00"),
                 w.order(order_no="GD-Y", address="=HYPERLINK(1)",
                 received_at="2026-11-22T09:00:00+08:00"))  # fmt: skip
        file = worker(world, p.RENDA).export_hotline_report(
            {"area_code": "150622", "format": "xlsx"}
        )
        book = load_workbook(io.BytesIO(base64.b64decode(file["content_base64"])))
        assert book.sheetnames == ["工单统计", "重复投诉", "承办单位办理时长"]
        cells = [c.value for row in book["重复投诉"].iter_rows() for c in row]
        assert "'=HYPERLINK(1)" in cells and "=HYPERLINK(1)" not in cells
        csv = worker(world, p.RENDA).export_hotline_report({"area_code": "150622", "format": "csv"})
        assert "承办单位" in base64.b64decode(csv["content_base64"]).decode("utf-8-sig")
