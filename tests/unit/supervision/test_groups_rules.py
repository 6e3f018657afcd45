"""A group's membership rules and the file's order rules: a late fact never moves a project
backwards."""

from datetime import UTC, date, datetime

import pytest
from supervision.domain.file_facts import advanced, is_newer, progress_mark, summary
from supervision.domain.groups import MembershipError, check_members


def member(subject: str, role: str, name: str = "成员") -> dict:
    return {"subject": subject, "name": name, "role": role, "specialty": None}


class TestMembers:
    def test_one_leader_passes(self):
        check_members([member("a", "leader"), member("b", "deputy"), member("c", "office")])

    def test_no_leader_is_refused(self):
        with pytest.raises(MembershipError) as caught:
            check_members([member("b", "deputy")])
        assert "没有组长" in caught.value.message

    def test_two_leaders_are_refused_naming_them_and_the_second(self):
        with pytest.raises(MembershipError) as caught:
            check_members([member("a", "leader", "王"), member("b", "leader", "李")])
        assert "王、李" in caught.value.message
        assert list(caught.value.details) == ["members.1.role"]

    def test_the_same_account_twice_is_refused(self):
        with pytest.raises(MembershipError) as caught:
            check_members([member("a", "leader"), member("a", "deputy")])
        assert list(caught.value.details) == ["members.1.subject"]


class TestOrder:
    def test_a_status_only_moves_forward(self):
        assert advanced("created", "in_progress") == "in_progress"
        assert advanced("completed", "in_progress") == "completed"
        assert advanced("in_progress", "planned") == "in_progress"

    def test_an_older_progress_report_is_not_newer(self):
        at = datetime(2026, 5, 1, 8, tzinfo=UTC)
        recorded = progress_mark(date(2026, 5, 1), at)
        assert not is_newer(
            progress_mark(date(2026, 4, 24), datetime(2026, 5, 2, tzinfo=UTC)), recorded
        )
        assert is_newer(progress_mark(date(2026, 5, 8), at), recorded)
        assert is_newer(progress_mark(date(2026, 5, 1), at.replace(hour=9)), recorded)  # corrected
        assert is_newer(recorded, None)

    def test_summaries_are_one_chinese_line(self):
        line = summary(
            "progress_reported",
            {
                "period": "2026-W18",
                "as_of": date(2026, 5, 1),
                "actual_percent": "45",
                "planned_percent": "50.0",
                "standing": "lagging",
            },
        )
        assert line == "调度进度（2026-W18，截至2026-05-01）：实际45.0%，序时50.0%，滞后"
