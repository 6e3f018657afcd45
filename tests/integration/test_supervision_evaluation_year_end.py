"""The year-end evaluation report of a city on PostgreSQL: 400 projects and 2,000 findings,
the JSON figures and both files from the same counts (the time: bench/bench_supervision.py)."""

import base64
import io
from datetime import UTC, datetime

import docx
import pytest
from servicekit.auth import Principal

from tests.support import supervision_evaluation as e
from tests.support.workers import migrated_sessions, service_worker

pytestmark = pytest.mark.integration

CITY_ADMIN = Principal("admin-1", ("admin",), "150600")


def test_a_city_year_on_postgresql(pg, tmp_path):
    url = pg.create("supervision")
    with migrated_sessions("supervision", tmp_path, {"supervision": url}) as sessions:
        e.seed_city_year(sessions["supervision"], datetime(2027, 12, 25, tzinfo=UTC))
        worker = service_worker("supervision", sessions, CITY_ADMIN, level="city")
        query = {"area_code": "150600", "year": 2027}
        report = worker.get_year_end_report(query)
        word = worker.export_year_end_report("docx", query)
    document = docx.Document(io.BytesIO(base64.b64decode(word["content_base64"])))
    assert report["completion"] == {
        "projects": 400,
        "completed_same_year": 266,
        "rate_percent": "66.5",
    }
    assert report["findings"]["by_state"]["closed"] == 1000
    assert len(report["projects"]) == 400 and len(document.tables[-1].rows) == 1 + 400
