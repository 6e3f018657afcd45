"""Public codes as residents type them, and the deputy CSV: Chinese headers, every bad row named
by its line, nothing imported when any row is wrong."""

import re

import pytest
from petition.domain import codes
from petition.domain.deputies import ImportRefused, Places, parse
from petition.domain.stations import DutySlot, ScheduleError, check_schedule, on_duty

AREAS = {"150600": "city", "150622": "banner", "150622100": "township", "150602": "banner"}
PLACES = Places(
    level_of=AREAS.get,
    in_scope=lambda code: code.startswith("150622"),
    stations={"薛家湾镇代表联络站": ("st-1",), "重名站": ("st-2", "st-3")},
)
HEADER = "姓名,层级,地区代码,代表团,联络站,专长,公开联系方式,公开电话,账号"


class TestCodes:
    def test_a_public_code_starts_with_its_level_and_reads_back(self):
        for level, letter in codes.LEVEL_LETTERS.items():
            code = codes.new_public_code(level)
            assert re.fullmatch(r"[CBT][0-9A-HJKMNP-TV-Z]{7}", code) and code[0] == letter
            assert codes.level_of(code) == level

    def test_what_residents_type_is_forgiven(self):
        assert codes.normalize("t7k2-m9qx") == "T7K2M9QX"
        assert codes.normalize(" T7K2 M9QO ") == "T7K2M9Q0"
        assert codes.normalize("T7K2M9QI") == "T7K2M9Q1"

    @pytest.mark.parametrize(
        "code", ["", "X7K2M9QX", "T7K2M9Q", "T7K2M9QXX", "T7K2M9Q#", "Т7K2M9QX"]
    )
    def test_what_cannot_be_a_code_is_none(self, code):
        assert codes.normalize(code) is None and codes.level_of(code) is None

    def test_tracking_codes_have_collections_shape(self):
        pattern = r"^[CBT][0-9A-HJKMNP-TV-Z]{3}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"
        assert re.fullmatch(pattern, codes.new_tracking_code("banner")).group(0)[0] == "B"

    def test_the_poster_prints_the_code_in_two_groups(self):
        assert codes.grouped("T7K2M9QX") == "T7K2 M9QX"


class TestDeputyCsv:
    def test_rows_become_profiles_with_their_station_and_specialties(self):
        text = (
            f"\ufeff{HEADER}\n"
            "王代表,苏木乡镇,150622100,薛家湾镇代表团,薛家湾镇代表联络站,法律、调解；教育,,,wang\n"
            "李代表,旗区,150622,准格尔旗代表团,,,公开电话,0477-4212345,li\n\n"
        )
        wang, li = parse(text, PLACES)
        assert (wang.level, wang.station_id, wang.specialties) == (
            "township",
            "st-1",
            ("法律", "调解", "教育"),
        )
        assert (wang.contact_policy, wang.line) == ("station", 2)
        assert (li.level, li.contact_policy, li.public_phone) == ("banner", "phone", "0477-4212345")

    def test_every_bad_row_is_named_by_line_and_nothing_is_imported(self):
        text = (
            f"{HEADER}\n"
            ",镇,150622100,,,,,,a\n"  # no name
            "甲,市,150622100,,,,,,b\n"  # the level is not the area's
            "乙,旗区,999999,,,,,,c\n"  # unknown area
            "丙,旗区,150602,,,,,,d\n"  # outside the importing area
            "丁,旗区,150622,,不存在的站,,,,e\n"
            "戊,旗区,150622,,重名站,,,,f\n"
            "己,旗区,150622,,,,公开电话,,g\n"  # phone policy without a phone
            "庚,旗区,150622,,,,,123,h\n"
            "辛,旗区,150622,,,,,,h\n"  # the account again
            "壬,宇宙,150622,,,,,,i\n"
        )
        with pytest.raises(ImportRefused) as refused:
            parse(text, PLACES)
        problems = {p.line: p.errors for p in refused.value.problems}
        assert sorted(problems) == list(range(2, 12))
        assert set(problems[2]) == {"name"}
        assert set(problems[3]) == {"level"}
        assert "未知地区" in problems[4]["area_code"]
        assert "范围" in problems[5]["area_code"]
        assert "未登记" in problems[6]["station"] and "重名" in problems[7]["station"]
        assert set(problems[8]) == {"public_phone"} and set(problems[9]) == {"public_phone"}
        assert "第 9 行" in problems[10]["username"]
        assert set(problems[11]) == {"level"}
        assert "未导入" in refused.value.message

    @pytest.mark.parametrize(
        ("text", "says"),
        [
            ("", "为空"),
            ("姓名,账号\n", "缺少列"),
            (f"{HEADER},姓名\n", "重复"),
            (f"{HEADER}\n", "没有代表"),
        ],
    )
    def test_a_file_without_rows_or_columns_is_refused(self, text, says):
        with pytest.raises(ImportRefused, match=says):
            parse(text, PLACES)

    def test_english_headers_are_accepted(self):
        (row,) = parse("name,level,area_code,username\nWang,township,150622100,wang\n", PLACES)
        assert row.username == "wang"


class TestDutySchedule:
    SLOTS = [DutySlot(1, "d-1"), DutySlot(1, "d-2"), DutySlot(6, "d-1")]

    def test_the_deputies_on_duty_are_those_of_the_weekday(self):
        from datetime import date

        assert on_duty(self.SLOTS, date(2026, 10, 12)) == ["d-1", "d-2"]  # a Monday
        assert on_duty(self.SLOTS, date(2026, 10, 10)) == ["d-1"]  # the make-up Saturday
        assert on_duty(self.SLOTS, date(2026, 10, 11)) == []

    def test_unknown_deputies_and_doubled_slots_are_refused(self):
        with pytest.raises(ScheduleError, match="d-3"):
            check_schedule([DutySlot(2, "d-3")], {"d-1"})
        with pytest.raises(ScheduleError, match="重复"):
            check_schedule([DutySlot(2, "d-1"), DutySlot(2, "d-1")], {"d-1"})
