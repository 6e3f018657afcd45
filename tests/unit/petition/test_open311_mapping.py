"""Open311 field mapping, pure (petition.domain.open311): status of every state, W3C times in
+08:00, the promise in words, the 90-day window, comma lists, a matter as a request."""

from datetime import UTC, date, datetime, timedelta

import pytest
from contracts.matters import MATTER_CATEGORIES, MATTER_STATES
from petition.domain import open311 as o

NOW = datetime(2026, 4, 1, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("state", MATTER_STATES)
def test_every_state_is_open_or_closed(state):
    expected = "closed" if state in ("resolved", "closed") else "open"
    assert o.status_of(state) == expected


def test_every_category_has_a_unique_ascii_service_code():
    assert set(o.SERVICE_CODES) == set(MATTER_CATEGORIES)
    codes = list(o.SERVICE_CODES.values())
    assert len(set(codes)) == len(codes) and all(c.isascii() for c in codes)


def test_times_are_beijing_with_the_offset_and_a_due_day_ends_at_midnight():
    assert o.w3c(NOW) == "2026-04-01T09:30:00+08:00"
    assert o.end_of(date(2026, 4, 16)) == "2026-04-16T23:59:59+08:00"


def test_the_promise_says_the_limits_in_words():
    notice = o.service_notice(
        o.Limit(15, "calendar_day", "next_day"), o.Limit(10, "workday", "received"), 30
    )
    assert notice == (
        "15 日内受理（自收到次日起算），受理后 10 个工作日内办结，"
        "情况复杂的可延期一次，最多 30 个工作日"
    )
    assert "延期" not in o.service_notice(
        o.Limit(3, "workday", "received"), o.Limit(60, "calendar_day", "next_day"), 0
    )


class TestWindow:
    def test_the_latest_90_days_by_default_and_90_after_a_start_or_before_an_end(self):
        assert o.window(None, None, NOW) == (NOW - timedelta(days=90), NOW)
        assert o.window(NOW, None, NOW) == (NOW, NOW + timedelta(days=90))
        assert o.window(None, NOW, NOW) == (NOW - timedelta(days=90), NOW)

    def test_exactly_90_days_passes_and_more_or_backwards_is_refused(self):
        start = NOW - timedelta(days=90)
        assert o.window(start, NOW, NOW) == (start, NOW)
        with pytest.raises(o.Open311Error) as refused:
            o.window(start - timedelta(seconds=1), NOW, NOW)
        assert refused.value.field == "end_date"
        with pytest.raises(o.Open311Error):
            o.window(NOW, start, NOW)


def test_comma_lists_drop_blanks_and_repeats_and_refuse_unknown_values():
    assert o.codes(" open, closed,,open ", o.STATUSES) == ("open", "closed")
    assert o.codes(None) == ()
    with pytest.raises(o.Open311Error):
        o.codes("open,pending", o.STATUSES)


def view(**changes):
    base = {
        "id": "m-1",
        "category": "基础设施",
        "title": "路灯坏了",
        "state": "handling",
        "state_name": "代办中",
        "tier": "diversion",
        "tier_name": "分流代办",
        "level": "township",
        "area_code": "150622100",
        "agency": "住建局",
        "result": None,
        "received_at": NOW,
        "updated_at": NOW + timedelta(hours=1),
        "due": date(2026, 5, 31),
        "address": "迎宾路小区东门",
        "lat": 39.85,
        "lng": 111.23,
        "notice": "15 日内受理",
    }
    return o.MatterView(**{**base, **changes})


def test_a_matter_maps_to_every_request_field():
    request = o.request(view())
    assert request["service_request_id"] == "m-1"
    assert (request["status"], request["status_notes"]) == ("open", "代办中")
    assert (request["service_code"], request["service_name"]) == ("infrastructure", "基础设施")
    assert request["requested_datetime"] == "2026-04-01T09:30:00+08:00"
    assert request["updated_datetime"] == "2026-04-01T10:30:00+08:00"
    assert request["expected_datetime"] == "2026-05-31T23:59:59+08:00"
    assert (request["lat"], request["long"], request["address"]) == (
        39.85,
        111.23,
        "迎宾路小区东门",
    )
    assert request["agency_responsible"] == "住建局"
    assert request["extended_attributes"] == {
        "state": "handling",
        "state_name": "代办中",
        "tier": "diversion",
        "tier_name": "分流代办",
        "level": "township",
        "area_code": "150622100",
    }


def test_a_closed_request_gives_its_result_and_no_expected_time():
    request = o.request(view(state="resolved", state_name="已办结，待评价", result="已修复"))
    assert (request["status"], request["status_notes"]) == ("closed", "已修复")
    assert request["expected_datetime"] is None


def test_updates_carry_the_status_after_each_step_in_upper_case():
    actions = ["submit", "accept", "tier", "resolve", "rate", "reopen", "resolve"]
    assert o.statuses_after(actions) == [
        "open", "open", "open", "closed", "closed", "open", "closed",
    ]  # fmt: skip
    update = o.update(o.UpdateView("7", "m-1", "closed", NOW, "办结"))
    assert update == {
        "update_id": "7",
        "service_request_id": "m-1",
        "status": "CLOSED",
        "updated_datetime": "2026-04-01T09:30:00+08:00",
        "description": "办结",
        "media_url": None,
    }
