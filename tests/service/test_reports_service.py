"""Report entrypoints of CollectionService through worker_factory: a migrated SQLite session and
a Guard for the caller. Who may see which area, what input is refused, and that an area or year
without data gives zeros rather than an error."""

import base64
import io

import pytest
from openpyxl import load_workbook
from servicekit.auth import ANONYMOUS, Principal
from servicekit.errors import Forbidden, Unauthenticated, ValidationFailed

from tests.support import report_data
from tests.support.collection_worker import collection_worker

BANNER_STAFF = Principal("gov-1", ("government_staff",), "150602")
QUERY = {"area_code": "150602", "year": 2027}


def service(session, principal=BANNER_STAFF):
    return collection_worker(session, principal, level="banner")


class TestWhoMaySee:
    @pytest.mark.parametrize(
        "role", ["admin", "congress_staff", "government_staff", "department_staff"]
    )
    def test_every_staff_role_within_scope_gets_the_report(self, session, role):
        principal = Principal("u-1", (role,), "150602")

        assert service(session, principal).get_report(QUERY)["area_code"] == "150602"

    def test_banner_staff_may_report_on_a_township_below(self, session):
        report = service(session).get_report({"area_code": "150602001", "year": 2027})

        assert report["area_name"] == "林荫街道"

    def test_anonymous_callers_must_log_in(self, session):
        with pytest.raises(Unauthenticated):
            service(session, ANONYMOUS).get_report(QUERY)
        with pytest.raises(Unauthenticated):
            service(session, ANONYMOUS).export_report({**QUERY, "format": "xlsx"})

    @pytest.mark.parametrize("role", ["deputy", "supervisor", "evaluator"])
    def test_roles_other_than_staff_are_refused(self, session, role):
        with pytest.raises(Forbidden, match="角色"):
            service(session, Principal("u-2", (role,), "150602")).get_report(QUERY)

    @pytest.mark.parametrize("area_code", ["150602", "150602010", "150622", "150600"])
    def test_township_staff_see_no_other_area_nor_their_banner(self, session, area_code):
        street_staff = Principal("u-3", ("government_staff",), "150602001")

        with pytest.raises(Forbidden, match="地区"):
            service(session, street_staff).get_report({"area_code": area_code, "year": 2027})
        with pytest.raises(Forbidden, match="地区"):
            service(session, street_staff).export_report(
                {"area_code": area_code, "year": 2027, "format": "csv", "table": "summary"}
            )


class TestBadInput:
    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ({"year": 2027}, "area_code"),
            ({"area_code": "15060", "year": 2027}, "area_code"),
            ({"area_code": "150602"}, "year"),
            ({"area_code": "150602", "year": "2027"}, "year"),
            ({"area_code": "150602", "year": 1999}, "year"),
            ({**QUERY, "colour": "red"}, "colour"),
        ],
    )
    def test_report_queries_are_checked_field_by_field(self, session, query, field):
        with pytest.raises(ValidationFailed) as refused:
            service(session).get_report(query)

        assert field in refused.value.details

    @pytest.mark.parametrize(
        ("extra", "field"),
        [
            ({"format": "pdf"}, "format"),
            ({"format": "xlsx", "table": "submitters"}, "table"),
            ({"format": "csv"}, "table"),
        ],
    )
    def test_export_formats_and_tables_are_closed_lists(self, session, extra, field):
        with pytest.raises(ValidationFailed) as refused:
            service(session).export_report({**QUERY, **extra})

        assert field in refused.value.details

    def test_a_body_that_is_not_an_object_is_refused(self, session):
        with pytest.raises(ValidationFailed):
            service(session).get_report(["150602", 2027])


class TestEmptyAreaOrYear:
    def test_an_area_and_year_without_data_gives_zeros(self, session):
        report = service(session).get_report({"area_code": "150602100", "year": 2031})

        assert report["proposals"]["total"] == 0
        assert report["proposals"]["by_channel"]["online"] == 0
        assert report["proposals"]["by_category"]["教育"] == 0
        assert report["screening"] == {
            "screened": 0,
            "screenings": 0,
            "verdicts": {"in_library": 0, "rejected": 0, "needs_info": 0},
            "mean_scores": dict.fromkeys(("public_benefit", "inclusive", "urgency", "assessable")),
        }
        assert (report["draft_lists"], report["candidate_lists"]) == ([], [])

    def test_an_empty_export_still_has_every_sheet_and_its_headers(self, session):
        exported = service(session).export_report({"area_code": "150602100", "year": 2031})
        workbook = load_workbook(io.BytesIO(base64.b64decode(exported["content_base64"])))

        assert len(workbook.sheetnames) == 5
        assert workbook["建议明细"].max_row == 1
        assert workbook["建议明细"]["A1"].value == "查询码"


class TestWithData:
    def test_the_report_and_a_single_table_export_read_the_seeded_year(self, session):
        report_data.seed(session)

        report = service(session).get_report(QUERY)
        exported = service(session).export_report({**QUERY, "table": "rounds"})

        assert report["proposals"]["total"] == 10
        assert exported["content_type"].startswith("application/vnd.openxmlformats")
        assert exported["file_name"] == "民生实事征集报表_东胜区_2027_三上三下轮次.xlsx"
        workbook = load_workbook(io.BytesIO(base64.b64decode(exported["content_base64"])))
        assert workbook.sheetnames == ["三上三下轮次"]
        assert workbook["三上三下轮次"].max_row == 3  # header and two draft lists


class TestControlCharactersInStoredText:
    """Text stored before input refused control characters (or written by another path) must
    not break a report: openpyxl raises IllegalCharacterError on C0 characters, which took down
    the Excel export of the proposal's area and of every area above it, the whole city included.
    """

    TITLE = "路灯\x07不亮\x1b了"  # NUL cannot be stored at all now (servicekit.db)

    def seed(self, session):
        notice = report_data.notice(session, "150602001")
        report_data.proposal(session, notice, "150602001", title=self.TITLE)
        session.commit()

    @pytest.mark.parametrize(
        ("principal", "area_code"),
        [(BANNER_STAFF, "150602001"), (Principal("city-1", ("admin",), "150600"), "150600")],
        ids=["its township", "the whole city"],
    )
    def test_the_excel_export_of_its_area_and_of_the_city_still_opens(
        self, session, principal, area_code
    ):
        self.seed(session)
        exported = service(session, principal).export_report({"area_code": area_code, "year": 2027})
        workbook = load_workbook(io.BytesIO(base64.b64decode(exported["content_base64"])))
        titles = [row[1] for row in workbook["建议明细"].iter_rows(min_row=2, values_only=True)]
        assert titles == ["路灯\ufffd不亮\ufffd了"]

    def test_the_csv_export_replaces_them_too(self, session):
        self.seed(session)
        exported = service(session).export_report(
            {"area_code": "150602001", "year": 2027, "format": "csv", "table": "proposals"}
        )
        text = base64.b64decode(exported["content_base64"]).decode("utf-8-sig")
        assert "路灯\ufffd不亮\ufffd了" in text and "\x07" not in text and "\x1b" not in text
