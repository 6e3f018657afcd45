"""Treasury import all-or-nothing on PostgreSQL and SQLite: a file with a bad row leaves no
import, payment or report behind; a good one stores every payment exactly (reversals
negative); the same file imported twice at once stores it once, the loser answered with the
winner's import; and overlapping files add each payment once."""

import pytest
from implementation.db import treasury as treasury_db
from implementation.db.models import ReconciliationRun, TreasuryImport, TreasuryPayment
from servicekit.errors import RuleViolation
from sqlalchemy import func, select

from tests.support import treasury as t
from tests.support.workers import migrated_sessions

pytestmark = pytest.mark.integration


@pytest.fixture(params=["postgresql", "sqlite"])
def sessions(request, tmp_path):
    urls = None
    if request.param == "postgresql":
        urls = {"implementation": request.getfixturevalue("pg").create("implementation")}
    with migrated_sessions("implementation", tmp_path, urls) as sessions:
        yield sessions


def stored(sessions) -> tuple[int, int, int]:
    session = sessions["implementation"]
    session.rollback()
    return tuple(
        session.scalar(select(func.count()).select_from(table))
        for table in (TreasuryImport, TreasuryPayment, ReconciliationRun)
    )


@pytest.fixture
def project(sessions):
    project_id = t.funded_project(sessions)
    t.disburse(sessions, project_id, "V1", 10_000_00)
    return project_id


GOOD = [t.payment("P1", "V1", "10000.00"), t.payment("P1R", "V1", "-0.01")]


def test_treasury_import_all_or_nothing(sessions, project):
    bad = [*GOOD, t.payment("P3", "V3", "1.001"), t.payment("P4", "V4", "x", day="2026-02-30")]
    with pytest.raises(RuleViolation) as refused:
        t.worker(sessions).import_treasury_payments(t.import_body(t.csv_file(bad)))
    assert [(e["row"], e["field"]) for e in refused.value.details["errors"]] == [
        (4, "amount"),
        (5, "amount"),
        (5, "paid_on"),
    ]
    assert stored(sessions) == (0, 0, 0)
    answer = t.worker(sessions).import_treasury_payments(t.import_body(t.csv_file(GOOD)))
    assert answer["added"] == 2 and stored(sessions) == (1, 2, 1)
    session = sessions["implementation"]
    query = select(TreasuryPayment.payment_id, TreasuryPayment.amount_fen)
    amounts = dict(session.execute(query).all())
    assert amounts == {"P1": 10_000_00, "P1R": -1}


def test_the_same_file_twice_at_once_is_stored_once(sessions, project, monkeypatch):
    body = t.import_body(t.csv_file(GOOD))
    first = t.worker(sessions).import_treasury_payments(body)
    # The second caller looked before the first committed: it saw no import of this digest.
    monkeypatch.setattr(treasury_db, "import_by_digest", _unseen_once(treasury_db.import_by_digest))
    monkeypatch.setattr(treasury_db, "payments_by_id", lambda session, ids: {})
    again = t.worker(sessions).import_treasury_payments(body)
    assert again["id"] == first["id"] and again["replayed"] is True
    assert stored(sessions) == (1, 2, 1)


def _unseen_once(lookup):
    calls = []

    def first_miss(session, digest):
        calls.append(digest)
        return None if len(calls) == 1 else lookup(session, digest)

    return first_miss


def test_overlapping_files_add_each_payment_once(sessions, project):
    t.worker(sessions).import_treasury_payments(t.import_body(t.csv_file(GOOD[:1])))
    answer = t.worker(sessions, t.BANNER_FINANCE).import_treasury_payments(
        t.import_body(t.json_file(GOOD), "json", area="150622")
    )
    assert (answer["added"], answer["known"]) == (1, 1)
    assert stored(sessions) == (2, 2, 2)
