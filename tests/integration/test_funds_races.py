"""Money checks under concurrency, on PostgreSQL and SQLite: disbursements racing on one
project, and budgets of two projects racing for one special fund pool, each from its own
connection as two worker processes would. The budget check and the pool check must hold:
exactly the amounts that fit pass, the others are refused with the figures, nothing more."""

import threading
from collections.abc import Callable

import pytest
from implementation.db.models import FundFlow, PoolDraw
from servicekit.db import make_engine
from servicekit.errors import RuleViolation
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.service.test_funds_service import BANNER_FINANCE, FINANCE, WAN, budget, flow
from tests.support import projects as p
from tests.support.workers import migrated_sessions, service_worker

pytestmark = pytest.mark.integration
RACERS = 4


@pytest.fixture(params=["postgresql", "sqlite"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'implementation.db'}"
    return request.getfixturevalue("pg").create("implementation")


@pytest.fixture
def projects(url, tmp_path):
    """Two planned projects of the test township, on the database at `url`."""
    with migrated_sessions("implementation", tmp_path, {"implementation": url}) as sessions:
        anyone = service_worker("implementation", sessions)
        anyone.handle_voting_session_results_announced(p.envelope(p.results(2, 0)))
        staff = service_worker("implementation", sessions, p.STAFF)
        ids = [row["id"] for row in staff.list_projects({"area_code": p.AREA})["items"]]
        for project_id in ids:
            staff.put_plan(project_id, p.plan())
        yield ids


def race(
    url: str, principal, calls: list[Callable], refusals: tuple[type[Exception], ...] = ()
) -> tuple[int, list[Exception]]:
    """Run each call on its own connection at once: (how many passed, the refusals: rule
    violations, and `refusals`)."""
    engine = make_engine(url)
    start, passed, refused, lock = threading.Barrier(len(calls)), [], [], threading.Lock()

    def run(call: Callable) -> None:
        with Session(engine) as session:
            worker = service_worker("implementation", {"implementation": session}, principal)
            start.wait()
            try:
                call(worker)
                with lock:
                    passed.append(1)
            except (RuleViolation, *refusals) as problem:
                with lock:
                    refused.append(problem)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    engine.dispose()
    return len(passed), refused


def scalar(url: str, query) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        value = int(conn.scalar(query) or 0)
    engine.dispose()
    return value


def test_disbursements_racing_on_one_project_stay_within_its_budget(url, projects):
    project_id = projects[0]
    race(url, FINANCE, [lambda w: w.put_budget(project_id, budget({"own_fiscal": 100 * WAN}))])
    # four of 40 万 against 100 万: two fit, whatever the order
    calls = [
        lambda w, n=n: w.add_fund_flow(project_id, flow(f"V-{n}", 40 * WAN)) for n in range(RACERS)
    ]
    passed, refused = race(url, FINANCE, calls)
    assert (passed, len(refused)) == (2, 2)
    assert {r.details["code"] for r in refused} == {"over_budget"}
    assert {r.details["remaining_fen"] for r in refused} == {20 * WAN}
    total = select(func.sum(FundFlow.amount_fen)).where(FundFlow.project_id == project_id)
    assert scalar(url, total) == 80 * WAN


def test_budgets_racing_for_one_pool_stay_within_it(url, projects):
    pool = {"area_code": "150622", "year": p.YEAR, "source": "banner_special"}
    race(url, BANNER_FINANCE, [lambda w: w.put_fund_pool({**pool, "allocated_fen": 500 * WAN})])
    calls = [
        lambda w, i=i, pid=pid: w.put_budget(pid, budget({"banner_special": 300 * WAN}, f"P-{i}"))
        for i, pid in enumerate(projects)
    ]
    passed, refused = race(url, FINANCE, calls)
    assert (passed, [r.details["code"] for r in refused]) == (1, ["pool_exhausted"])
    assert scalar(url, select(func.sum(PoolDraw.amount_fen))) == 300 * WAN
