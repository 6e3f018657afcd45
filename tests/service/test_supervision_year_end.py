"""The year-end evaluation report of an area (年度监督评价报告) as JSON, Word and Excel: the
same figures in each, from supervision's own tables; a city's year (400 projects, 2,000
findings) in well under 5 s."""

import base64
import io
from datetime import UTC, datetime

import docx
import openpyxl
import pytest
from servicekit.errors import Forbidden, NotFound
from sqlalchemy import update
from supervision.db import findings as finding_db
from supervision.db.models import Project

from tests.support import supervision_evaluation as e
from tests.support.workers import migrated_sessions, service_worker

NOW = datetime(2027, 12, 25, 2, tzinfo=UTC)


@pytest.fixture
def sessions(tmp_path):
    with migrated_sessions("supervision", tmp_path) as sessions:
        yield sessions


def worker(sessions, principal=e.STAFF):
    return service_worker("supervision", sessions, principal)


@pytest.fixture
def year(sessions):
    """4 banner projects and 1 township project of 2027 (2 completed in the year, 1 completed
    the next year), funds, findings, an evaluation and a satisfaction vote."""
    w = worker(sessions)
    banner = e.add_projects(w, e.BANNER, 4)
    town = e.add_projects(w, e.TOWN, 1)
    e.add_projects(w, e.BANNER, 2, year=2026)  # another year: never counted
    session = sessions["supervision"]
    for pid, same_year in ((banner[0], True), (town[0], True), (banner[1], False)):
        session.execute(
            update(Project).where(Project.id == pid).values(status="completed", same_year=same_year)
        )
    session.execute(
        update(Project)
        .where(Project.year == 2027)
        .values(
            budget_fen=100_000_00,
            disbursed_fen=60_000_00,
            paid_fen=45_000_00,
        )
    )
    rows = {r.id: r for r in session.query(Project)}
    for pid, source, state in (
        (banner[0], "inspection", "closed"),
        (banner[1], "inspection", "open"),
        (town[0], "feedback", "requested"),
    ):
        f = finding_db.add_finding(
            session,
            rows[pid],
            source=source,
            source_ref=None,
            text="问题",
            photos=[],
            raised_by="staff-1",
            now=NOW,
        )
        f.state = state
    session.commit()
    framework = w.create_framework(e.framework_body())
    for pid, minus in ((banner[0], {"D11": "0"}), (banner[1], {"D11": "0", "D12": "0"})):
        body = {
            "framework_id": framework["id"],
            "framework_version": 1,
            "kind": "evaluation",
            "project_id": pid,
            "year": 2027,
            "scores": e.full_scores(minus),
        }
        worker(sessions, e.EVALUATOR).record_evaluation(body)
    vote = w.request_satisfaction_vote(
        {"area_code": e.BANNER, "year": 2027, "title": "满意度测评", "project_ids": banner[:2]}
    )
    payload = e.completed(vote, {banner[0]: (30, 8, 2, 0), banner[1]: (10, 10, 20, 0)}, valid=40)
    w.handle_voting_satisfaction_vote_completed(e.completed_envelope(payload))
    return banner, town


def test_the_figures_of_the_area_and_its_subtree(sessions, year):
    report = worker(sessions, e.DEPUTY).get_year_end_report({"area_code": e.BANNER, "year": 2027})
    assert report["completion"] == {"projects": 5, "completed_same_year": 2, "rate_percent": "40.0"}
    assert report["funds"]["budget_fen"] == 5 * 100_000_00
    assert report["funds"]["disbursed_yuan"] == "300000.00"
    assert report["funds"]["disbursement_percent"] == "60.0"
    findings = report["findings"]
    # 3 raised by the groups and the public, 1 by the satisfaction vote (不满意)
    assert findings["total"] == 4
    assert findings["by_state"] == {"open": 2, "requested": 1, "closed": 1, "escalated": 0}
    assert findings["by_source"] == {"inspection": 2, "feedback": 1, "satisfaction": 1}
    assert report["evaluations"]["by_kind"]["evaluation"] == {"优": 1, "良": 1}
    assert report["satisfaction"]["grades"] == {"满意": 1, "基本满意": 0, "不满意": 1}
    assert report["satisfaction"]["votes"]["satisfied"] == 40


def test_the_project_list_gives_each_project_its_findings_and_grades(sessions, year):
    banner, town = year
    report = worker(sessions).get_year_end_report({"area_code": e.BANNER, "year": 2027})
    listed = {p["project_id"]: p for p in report["projects"]}
    assert set(listed) == {*banner, *town}  # the subtree's projects of the year, no other year
    first, second = listed[banner[0]], listed[banner[1]]
    assert (first["status_name"], first["same_year"]) == ("已完成", True)
    assert (first["findings"], first["findings_closed"]) == (1, 1)
    assert (first["evaluation_grade"], first["satisfaction_grade"]) == ("优", "满意")
    # its inspection finding and the 不满意 vote's
    assert (second["findings"], second["satisfaction_grade"]) == (2, "不满意")
    assert listed[town[0]]["area_name"] != first["area_name"]
    assert listed[banner[2]]["evaluation_grade"] is None


def test_the_township_sees_only_its_own(sessions, year):
    report = worker(sessions, e.TOWN_STAFF).get_year_end_report({"area_code": e.TOWN, "year": 2027})
    assert report["completion"]["projects"] == 1 and report["findings"]["total"] == 1
    with pytest.raises(Forbidden):
        worker(sessions, e.TOWN_STAFF).get_year_end_report({"area_code": e.BANNER, "year": 2027})
    with pytest.raises(Forbidden):
        worker(sessions, e.EVALUATOR).get_year_end_report({"area_code": e.BANNER, "year": 2027})


def test_the_word_document_carries_the_figures(sessions, year):
    exported = worker(sessions).export_year_end_report(
        "docx", {"area_code": e.BANNER, "year": 2027}
    )
    assert exported["content_type"].endswith("wordprocessingml.document")
    document = docx.Document(io.BytesIO(base64.b64decode(exported["content_base64"])))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "准格尔旗 2027 年度民生实事项目监督评价报告" in text
    assert "项目 5 个，当年完成 2 个，完成率 40.0%" in text
    assert "发现问题 4 个，已整改销号 1 个" in text
    funds = [c.text for c in document.tables[0].rows[1].cells]
    assert funds == ["500000.00", "300000.00", "225000.00", "60.0%"]
    assert "六、项目清单" in text
    listed = document.tables[-1]
    assert listed.rows[0].cells[0].text == "项目" and len(listed.rows) == 1 + 5


def test_the_workbook_carries_the_figures(sessions, year):
    exported = worker(sessions).export_year_end_report(
        "xlsx", {"area_code": e.BANNER, "year": 2027}
    )
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(exported["content_base64"])))
    summary = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=2, values_only=True)}
    assert summary["项目数"] == 5 and summary["当年完成"] == 2 and summary["完成率(%)"] == "40.0"
    assert float(summary["预算(元)"]) == 500000 and summary["发现问题"] == 4
    grades = {r[0]: r[1] for r in book["满意度测评"].iter_rows(min_row=2, values_only=True)}
    assert grades == {"满意": 1, "基本满意": 0, "不满意": 1}
    projects = list(book["项目清单"].iter_rows(min_row=2, values_only=True))
    assert len(projects) == 5 and {row[8] for row in projects} == {"满意", "不满意", None}


def test_an_unknown_format_is_404(sessions):
    with pytest.raises(NotFound):
        worker(sessions).export_year_end_report("pdf", {"area_code": e.BANNER, "year": 2027})


def test_a_city_year_is_reported_whole(sessions):
    """400 projects and 2,000 findings under the city, inserted in bulk: every project and
    finding counted in each form (the time is bench/bench_supervision.py's to measure)."""
    e.seed_city_year(sessions["supervision"], NOW)
    city = e.STAFF.__class__("admin-1", ("admin",), "150600")
    query = {"area_code": "150600", "year": 2027}
    report = worker(sessions, city).get_year_end_report(query)
    exported = worker(sessions, city).export_year_end_report("xlsx", query)
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(exported["content_base64"])))
    assert book["项目清单"].max_row == 1 + 400
    assert report["completion"]["projects"] == 400 and len(report["projects"]) == 400
    assert report["completion"]["completed_same_year"] == 266
    assert report["findings"]["total"] == 2000 and report["findings"]["by_state"]["closed"] == 1000
