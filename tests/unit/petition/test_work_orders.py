"""12345 work orders, pure: the default time limits by type (Guangdong's 咨询 2, 求助/建议 10,
投诉/举报 15 working days) on the 2026 calendar across the National Day holiday, an area's own
limit over the default, parsing rows (Chinese words, Beijing times, every problem by line), the
fingerprint that makes redelivery idempotent, and overdue."""

from datetime import UTC, date, datetime

import pytest
from petition.domain import work_orders as wo
from servicekit.workcalendar import UnknownYear

from tests.support.schedule_2026 import calendar_2026
from tests.support.work_orders import ORDER

CAL = calendar_2026()


def values(**changes):
    return {k: str(v) for k, v in {**ORDER, **changes}.items() if v is not None}


def parsed(**changes):
    (order,) = wo.parse([(2, values(**changes))])
    return order


class TestTimeLimits:
    @pytest.mark.parametrize(
        ("word", "days"), [("咨询", 2), ("求助", 10), ("建议", 10), ("投诉", 15), ("举报", 15)]
    )
    def test_the_defaults_by_type(self, word, days):
        assert wo.time_limit(wo.TYPE_WORDS[word], {}) == days

    def test_an_areas_own_limit_wins(self):
        assert wo.time_limit("complaint", {"complaint": 5}) == 5
        assert wo.time_limit("consult", {"complaint": 5}) == 2

    def test_a_consultation_before_the_holiday_is_due_after_it(self):
        # received Wed 30 Sep 2026 (Beijing): Thu 8 Oct (1), Fri 9 Oct (2)
        received = wo.parse_time("2026-09-30T20:00:00+08:00")
        assert wo.due_day(received, 2, CAL) == date(2026, 10, 9)

    def test_the_make_up_saturday_counts(self):
        # 15 working days from Fri 25 Sep: 28, 29, 30 Sep, 8, 9, 10 (Sat, make-up), 12 … 22 Oct
        received = wo.parse_time("2026-09-25 10:00")
        assert wo.due_day(received, 15, CAL) == date(2026, 10, 22)

    def test_the_beijing_day_counts_not_the_utc_one(self):
        late = wo.parse_time("2026-11-02T23:30:00+08:00")  # 15:30 UTC, still Monday in Beijing
        early = wo.parse_time("2026-11-02T00:30:00+08:00")  # Sunday 16:30 UTC
        assert wo.due_day(late, 2, CAL) == wo.due_day(early, 2, CAL) == date(2026, 11, 4)

    def test_an_unknown_year_is_refused_not_guessed(self):
        with pytest.raises(UnknownYear):
            wo.due_day(wo.parse_time("2026-12-28T09:00"), 15, CAL)  # runs into 2027


class TestParsing:
    def test_chinese_words_become_keys_and_times_utc(self):
        order = parsed()
        assert (order.order_type, order.channel, order.status) == (
            "complaint",
            "phone",
            "dispatched",
        )
        assert order.received_at == datetime(2026, 11, 2, 1, 30, tzinfo=UTC)

    def test_no_offset_is_beijing_time(self):
        assert parsed(received_at="2026-11-02 09:30").received_at.hour == 1

    def test_every_problem_is_named_by_its_line(self):
        rows = [
            (2, values(order_no="A2", order_type="闲聊", received_at="yesterday")),
            (3, values(order_no="A3", status="已办结")),  # no closed_at
            (4, values(order_no="GD 1", resident_phone="call me")),
            (5, values(order_no="A5", closed_at="2026-11-01T09:00:00+08:00")),  # before received
            (6, values(order_no="A6")),
            (7, values(order_no="A6")),  # the same order number again
        ]
        with pytest.raises(wo.ImportRefused) as refused:
            wo.parse(rows)
        found = {p.line: set(p.errors) for p in refused.value.problems}
        assert found == {
            2: {"order_type", "received_at"},
            3: {"closed_at"},
            4: {"order_no", "resident_phone"},
            5: {"closed_at"},
            7: {"order_no"},
        }

    def test_a_csv_header_may_be_chinese_or_the_json_keys(self):
        text = (
            "\ufeff工单编号,received_at,渠道,类型,分类,内容,地区代码,承办单位,状态\n"
            "A1,2026-11-02,电话,求助,民政,求助,150622,民政局,已受理\n"
        )
        (order,) = wo.parse(wo.csv_rows(text))
        assert (order.order_no, order.order_type, order.line) == ("A1", "help", 2)

    def test_a_header_without_the_required_columns_is_refused(self):
        with pytest.raises(wo.ImportRefused, match="order_no"):
            wo.csv_rows("受理时间,内容\n")


class TestFingerprint:
    def test_the_same_content_is_the_same_fingerprint_whatever_the_line(self):
        (a,) = wo.parse([(2, values())])
        (b,) = wo.parse([(9, values())])
        assert a.fingerprint() == b.fingerprint()

    @pytest.mark.parametrize(
        "change", [{"status": "办理中"}, {"resident_phone": "13900000000"}, {"content": "x"}]
    )
    def test_any_change_changes_it(self, change):
        assert parsed(**change).fingerprint() != parsed().fingerprint()

    def test_the_callers_contact_is_not_in_the_repr(self):
        assert "13912345678" not in repr(parsed()) and "刘秀英" not in repr(parsed())


class TestOverdue:
    def test_open_past_the_due_day_or_closed_after_it(self):
        due = date(2026, 11, 23)
        assert not wo.is_overdue(due, "handling", None, date(2026, 11, 23))
        assert wo.is_overdue(due, "handling", None, date(2026, 11, 24))
        late = wo.parse_time("2026-11-24T08:00:00+08:00")
        on_time = wo.parse_time("2026-11-23T23:00:00+08:00")
        assert wo.is_overdue(due, "closed", late, date(2026, 12, 1))
        assert not wo.is_overdue(due, "closed", on_time, date(2026, 12, 1))
