"""The hotline study's rules, pure: the repeat-complaint rule (same area, same normalized
address or title, complaints and reports only, each within 90 days of the one before), the
slowest handling units, and the counts by month (Beijing), category and area."""

from datetime import UTC, date, datetime, timedelta

from petition.domain import hotline_study as s

T0 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


def order(n, days=0, **changes):
    base = {
        "id": f"id-{n}", "order_no": f"GD-{n}", "order_type": "complaint", "category": "城乡建设",
        "title": None, "area_code": "150622100", "address": "迎宾路18号东门",
        "handling_unit": "住建局", "status": "handling", "received_at": T0 + timedelta(days=days),
        "closed_at": None, "due_on": None,
    }  # fmt: skip
    return s.StudyOrder(**{**base, **changes})


class TestRepeats:
    def test_the_same_place_written_differently_is_one_group(self):
        second = order(2, 10, address="迎宾路 18 号（东门）")
        third = order(3, 20, address="迎宾路１８号，东门")  # full-width digits and comma
        other = order(4, 30, address="Yingbin Road 18")  # another spelling is another place
        (group,) = s.repeats([order(1), second, third, other])
        assert group.orders == (order(1), second, third) and group.kind == "place"
        assert group.text == "迎宾路18号东门"  # as the first order wrote it

    def test_ninety_days_from_the_one_before_chains_and_more_splits(self):
        chained = s.repeats([order(1), order(2, 90), order(3, 180)])
        assert [len(g.orders) for g in chained] == [3]
        split = s.repeats([order(1), order(2, 91)])
        assert split == []

    def test_other_areas_types_and_short_keys_are_not_repeats(self):
        assert s.repeats([order(1), order(2, 1, area_code="150622101")]) == []
        assert s.repeats([order(1, order_type="consult"), order(2, 1, order_type="help")]) == []
        assert s.repeats([order(1, address="无"), order(2, 1, address="无")]) == []

    def test_the_same_subject_in_other_places(self):
        title = "夜间施工噪音扰民"
        groups = s.repeats(
            [
                order(1, title=title, address="甲处"),
                order(2, 5, title="夜间施工噪音扰民！", address="乙处"),
                order(3, 6, order_type="report", title=title, address="丙处"),
            ]
        )
        (group,) = groups
        assert group.kind == "subject" and [o.order_no for o in group.orders] == [
            "GD-1",
            "GD-2",
            "GD-3",
        ]


class TestSlowestUnits:
    def test_ranked_by_the_mean_time_to_close_then_overdue(self):
        rows = s.slowest_units(
            [
                order(1, closed_at=T0 + timedelta(days=2), status="closed"),
                order(2, handling_unit="民政局", closed_at=T0 + timedelta(days=10),
                      status="closed"),
                order(3, handling_unit="民政局", closed_at=T0 + timedelta(days=5), status="closed",
                      due_on=date(2026, 3, 3)),
                order(4, handling_unit="医保局", due_on=date(2026, 3, 2)),
            ],
            date(2026, 4, 1),
        )  # fmt: skip
        assert [r["handling_unit"] for r in rows] == ["民政局", "住建局", "医保局"]
        assert (rows[0]["mean_days"], rows[0]["max_days"], rows[0]["overdue"]) == (7.5, 10.0, 1)
        assert (rows[2]["closed"], rows[2]["mean_days"], rows[2]["overdue"]) == (0, None, 1)


def test_counts_by_beijing_month_category_and_area():
    late_utc = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)  # 1 April 01:00 in Beijing
    counted = s.counts([order(1), order(2, received_at=late_utc, category="民政")],
                       lambda code: code[:6])  # fmt: skip
    assert counted["by_month"] == [
        {"month": "2026-03", "count": 1},
        {"month": "2026-04", "count": 1},
    ]
    assert counted["by_area"] == [{"area_code": "150622", "count": 2}]
    assert len(counted["rows"]) == 2
