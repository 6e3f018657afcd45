"""Scheduling reports on PostgreSQL and SQLite, each from its own connection as worker processes
would: the report path's built statements (the project locked with its plan, the period check,
the streak kept on the project, the warnings written in one batch) hold under concurrency."""

import pytest
from implementation.db.models import FundWarning, Report
from servicekit.errors import Conflict
from sqlalchemy import func, select

from tests.integration.test_funds_races import RACERS, race, scalar, url  # noqa: F401 (fixture)
from tests.service.test_funds_service import FINANCE, WAN, budget, flow
from tests.support import projects as p
from tests.support.workers import migrated_sessions, service_worker

pytestmark = pytest.mark.integration


@pytest.fixture
def project_id(url, tmp_path):  # noqa: F811 (the fixture imported above)
    """One planned project of the test township with a budget and 50 万 of it disbursed."""
    with migrated_sessions("implementation", tmp_path, {"implementation": url}) as sessions:
        service_worker("implementation", sessions).handle_voting_session_results_announced(
            p.envelope(p.results(1, 0))
        )
        staff = service_worker("implementation", sessions, p.STAFF)
        (row,) = staff.list_projects({"area_code": p.AREA})["items"]
        staff.put_plan(row["id"], p.plan())
        money = service_worker("implementation", sessions, FINANCE)
        money.put_budget(row["id"], budget({"own_fiscal": 100 * WAN}))
        money.add_fund_flow(row["id"], flow("V-1", 50 * WAN))
        yield row["id"]


def reports(url: str, project_id: str) -> int:  # noqa: F811
    return scalar(url, select(func.count()).where(Report.project_id == project_id))


def open_gap(url: str, project_id: str) -> int:  # noqa: F811
    return scalar(
        url,
        select(func.count()).where(
            FundWarning.project_id == project_id,
            FundWarning.rule_code == "progress_spend_gap",
            FundWarning.resolved_at.is_(None),
        ),
    )


def test_reports_racing_for_one_period_make_one(url, project_id):  # noqa: F811
    body = p.report("2026-W20", "2026-05-15", {"design": "1"})
    calls = [lambda w, n=n: w.create_report(project_id, body, f"key-{n}") for n in range(RACERS)]
    passed, refused = race(url, p.STAFF, calls, refusals=(Conflict,))
    assert (passed, len(refused)) == (1, RACERS - 1)
    assert reports(url, project_id) == 1


def test_reports_raise_keep_and_resolve_a_warning_once(url, project_id):  # noqa: F811
    assert open_gap(url, project_id) == 1  # 50% of the money out, nothing done
    lagging = p.report("2026-W20", "2026-05-15", {"design": "1/2"})
    race(url, p.STAFF, [lambda w: w.create_report(project_id, lagging)])
    assert open_gap(url, project_id) == 1  # seen again, not raised twice
    caught_up = p.report("2026-W21", "2026-05-22", {"design": "1", "tender": "1"})
    race(url, p.STAFF, [lambda w: w.create_report(project_id, caught_up)])
    assert open_gap(url, project_id) == 0
    resolved = select(func.count()).where(
        FundWarning.project_id == project_id, FundWarning.resolved_at.is_not(None)
    )
    assert scalar(url, resolved) >= 1
