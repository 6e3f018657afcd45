"""Collection reports on PostgreSQL and on SQLite: the same realistic year (tests/support/
report_data.py), the same figures from both databases.

What could go wrong and is checked here: the subtree prefix and year filters, a merged
proposal counted twice, re-screenings counted instead of each screener's latest row, averages
coming back as Decimal on PostgreSQL, rounds and versions multiplied by a join, personal data
leaking into the JSON or the files.
"""

import base64
import csv
import io
import json

import pytest
from collection.use_cases import reports
from contracts import reports as contract
from openpyxl import load_workbook
from servicekit.auth import Guard, Principal
from servicekit.validation import load
from sqlalchemy.orm import sessionmaker

from tests.support import report_data
from tests.support.factories import migrated_engine

pytestmark = pytest.mark.integration

CITY_ADMIN = Principal("admin-1", ("admin",), "150600")


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def seeded(request, tmp_path_factory):
    if request.param == "postgresql":
        url = request.getfixturevalue("pg").create("collection_reports")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('reports')}/collection.db"
    engine = migrated_engine("collection", url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as session:
        ids = report_data.seed(session)
    yield factory, ids
    engine.dispose()


def report(seeded, area_code="150602", year=report_data.YEAR):
    factory, _ = seeded
    query = load(contract.ReportQuery, {"area_code": area_code, "year": year})
    with factory() as session:
        return reports.get_report(session, Guard(CITY_ADMIN, "collection", "all"), query, NOW)


def export(seeded, **query):
    factory, _ = seeded
    data = load(contract.ExportQuery, {"area_code": "150602", "year": report_data.YEAR, **query})
    with factory() as session:
        result = reports.export_report(session, Guard(CITY_ADMIN, "collection", "all"), data, NOW)
    return result, base64.b64decode(result["content_base64"])


NOW = report_data.NOW


class TestProposalCounts:
    def test_counts_by_channel_category_and_status_cover_the_banner_and_year(self, seeded):
        proposals = report(seeded)["proposals"]

        assert proposals["total"] == 10
        assert proposals["by_channel"] == {
            "online": 4,
            "deputy": 1,
            "department": 1,
            "letter": 1,
            "visit": 1,
            "hotline": 1,
            "petition": 1,
        }
        assert proposals["by_category"] == {
            "教育": 2,
            "医疗卫生": 1,
            "养老托育": 1,
            "基础设施": 2,
            "老旧小区改造": 1,
            "农村牧区人居环境": 0,
            "交通出行": 1,
            "就业创业": 0,
            "文化体育": 1,
            "其他": 1,
        }
        assert proposals["by_status"] == {
            "submitted": 2,
            "in_library": 2,
            "rejected": 1,
            "needs_info": 1,
            "merged": 1,
            "adopted": 2,
            "not_adopted": 1,
        }

    def test_a_street_sees_only_its_own_and_the_city_sees_every_banner(self, seeded):
        street = report(seeded, "150602001")
        city = report(seeded, "150600")

        assert street["proposals"]["total"] == 6
        assert street["area_name"] == "林荫街道" and street["level"] == "township"
        assert city["proposals"]["total"] == 11
        assert city["screening"]["screenings"] == 7

    def test_another_year_has_its_own_figures(self, seeded):
        previous = report(seeded, year=2026)

        assert previous["proposals"]["total"] == 1
        assert previous["proposals"]["by_status"]["in_library"] == 1
        assert previous["screening"]["screened"] == 1
        assert [d["rounds_done"] for d in previous["draft_lists"]] == [0]
        assert previous["candidate_lists"] == []


class TestScreening:
    def test_only_each_screeners_latest_row_counts(self, seeded):
        screening = report(seeded)["screening"]

        assert screening["screened"] == 4
        assert screening["screenings"] == 6
        assert screening["verdicts"] == {"in_library": 4, "rejected": 1, "needs_info": 1}
        assert screening["mean_scores"] == {
            "public_benefit": 3.17,
            "inclusive": 3.5,
            "urgency": 3.67,
            "assessable": 3.17,
        }

    def test_an_area_and_year_without_data_gives_zeros_and_null_means(self, seeded):
        empty = report(seeded, "150627", 2030)

        assert empty["proposals"]["total"] == 0
        assert set(empty["proposals"]["by_status"].values()) == {0}
        assert empty["screening"]["screened"] == 0
        assert set(empty["screening"]["mean_scores"].values()) == {None}
        assert empty["draft_lists"] == [] and empty["candidate_lists"] == []


class TestRoundsAndCandidateLists:
    def test_rounds_done_open_and_versions_per_draft_list(self, seeded):
        drafts = report(seeded)["draft_lists"]
        by_area = {d["area_code"]: d for d in drafts}

        assert len(drafts) == 2
        banner, street = by_area["150602"], by_area["150602001"]
        assert (banner["rounds_planned"], banner["rounds_done"], banner["rounds_open"]) == (3, 3, 0)
        assert (banner["versions"], banner["status"]) == (4, "frozen")
        assert (street["rounds_done"], street["rounds_open"], street["versions"]) == (1, 1, 2)

    def test_the_frozen_list_in_ballot_order_with_its_results(self, seeded):
        _, ids = seeded
        (frozen,) = report(seeded)["candidate_lists"]

        assert frozen["id"] == ids["candidate_list"]
        assert (frozen["seats"], frozen["differential_ratio_permille"]) == (2, 200)
        assert frozen["content_hash"] == "ab" * 32
        assert frozen["frozen_at"].startswith("2027-01-07T02:00:00")
        positions = [(c["position"], c["proposal_id"], c["result"]) for c in frozen["candidates"]]
        assert positions == [
            (1, ids["p7"], "adopted"),
            (2, ids["p9"], "adopted"),
            (3, ids["p8"], "not_adopted"),
        ]
        assert frozen["candidates"][0]["tracking_code"].startswith("T")
        results = frozen["results"]
        assert (results["session_id"], results["adopted"], results["not_adopted"]) == (
            "session-2027-1",
            2,
            1,
        )


class TestNoPersonalData:
    def test_neither_json_nor_files_carry_names_phones_or_screener_ids(self, seeded):
        secrets = (
            report_data.SUBMITTER_NAME,
            report_data.SUBMITTER_PHONE,
            "李代表",
            "staff-entering-1",
            "staff-freezer-3",
            *report_data.SCREENERS,
        )
        as_json = json.dumps(report(seeded, "150600"), ensure_ascii=False)
        _, csv_bytes = export(seeded, format="csv", table="proposals")
        _, xlsx_bytes = export(seeded)
        workbook = load_workbook(io.BytesIO(xlsx_bytes))
        cells = " ".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
        )

        for secret in secrets:
            assert secret not in as_json
            assert secret not in csv_bytes.decode("utf-8-sig")
            assert secret not in cells


class TestExports:
    def test_the_workbook_has_one_sheet_per_section_with_the_reports_figures(self, seeded):
        result, content = export(seeded)
        workbook = load_workbook(io.BytesIO(content))

        assert result["file_name"] == "民生实事征集报表_东胜区_2027.xlsx"
        assert result["ascii_file_name"] == "collection-report-150602-2027.xlsx"
        assert workbook.sheetnames == ["概况", "建议明细", "筛选评分", "三上三下轮次", "候选清单"]
        proposals = list(workbook["建议明细"].iter_rows(values_only=True))
        assert proposals[0][:5] == ("查询码", "建议标题", "征集渠道", "类别", "状态")
        assert len(proposals) == 1 + 10
        first = dict(zip(proposals[0], proposals[1], strict=True))
        assert first["状态"] == "已入库" and first["征集渠道"] == "网上征集"
        assert first["估算金额（元）"] == 12345.67
        assert (first["评分人数"], first["公益均等均分"], first["先急后缓均分"]) == (2, 4.5, 3.5)
        assert first["提交时间（北京时间）"] == "2026-12-11 10:01"
        candidates = list(workbook["候选清单"].iter_rows(values_only=True))
        assert [row[6] for row in candidates[1:]] == [1, 2, 3]
        assert [row[-1] for row in candidates[1:]] == ["票决通过", "票决通过", "票决未通过"]

    def test_a_csv_of_the_proposals_guards_the_formula_title(self, seeded):
        result, content = export(seeded, format="csv", table="proposals")
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))

        assert content.startswith(b"\xef\xbb\xbf")
        assert result["file_name"] == "民生实事征集报表_东胜区_2027_建议明细.csv"
        assert result["content_type"] == "text/csv; charset=utf-8"
        titles = [row[1] for row in rows[1:]]
        assert "'" + report_data.EVIL_TITLE in titles
        assert report_data.EVIL_TITLE not in titles
