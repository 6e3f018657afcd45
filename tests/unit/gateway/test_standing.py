"""gateway.standing: an account's standing is asked of the database at most once per period,
and a database that cannot answer refuses the token (503) instead of letting it through."""

from datetime import UTC, datetime

import pytest
from gateway.identity import DEACTIVATED, Identity
from servicekit.auth import ANONYMOUS, Principal
from servicekit.errors import DatabaseUnavailable, ServiceError, Unauthenticated
from sqlalchemy.exc import OperationalError

from gateway import standing, tokens
from tests.support.gateway import FakeClock

SECRET = "unit-test-secret-0123456789abcdef"
STAFF = Principal("u-17", ("government_staff",), "150622")


class Accounts:
    def __init__(self):
        self.active, self.asked = {"u-17": True}, []

    def __call__(self, user_id):
        self.asked.append(user_id)
        return self.active.get(user_id, False)


def test_the_answer_is_remembered_for_the_period_then_asked_again():
    accounts, clock = Accounts(), FakeClock()
    known = standing.Standing(accounts, 30, clock)
    assert known.active("u-17") and known.active("u-17")
    accounts.active["u-17"] = False  # deactivated meanwhile
    clock.advance(29.9)
    assert known.active("u-17")
    clock.advance(0.1)
    assert not known.active("u-17")
    assert accounts.asked == ["u-17", "u-17"]


def test_an_unknown_account_is_not_active():
    assert not standing.Standing(Accounts()).active("u-404")


def test_the_default_period_keeps_the_promise_of_a_minute():
    assert standing.DEFAULT_SECONDS <= 60


def identity(lookup):
    found = Identity()
    found.secret = SECRET
    found.standing = standing.Standing(lookup)
    return found


def bearer_of(principal):
    return "Bearer " + tokens.issue(SECRET, principal, datetime.now(UTC))[0]


def test_a_token_of_an_active_account_is_its_principal():
    assert identity(Accounts())._principal(bearer_of(STAFF)) == (STAFF, None)


def test_a_token_of_a_deactivated_account_is_refused():
    accounts = Accounts()
    accounts.active["u-17"] = False
    principal, problem = identity(accounts)._principal(bearer_of(STAFF))
    assert principal == ANONYMOUS
    assert isinstance(problem, Unauthenticated) and problem.message == DEACTIVATED


def test_an_unreachable_accounts_database_is_a_503_not_a_pass():
    def down(user_id):
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    principal, problem = identity(down)._principal(bearer_of(STAFF))
    assert principal == ANONYMOUS and isinstance(problem, DatabaseUnavailable)


def test_a_failing_check_is_an_error_answer_not_a_dead_container(caplog):
    def broken(user_id):
        raise RuntimeError("bug")

    principal, problem = identity(broken)._principal(bearer_of(STAFF))
    assert principal == ANONYMOUS and type(problem) is ServiceError
    assert "account check failed" in caplog.text


@pytest.mark.parametrize("header", ["Bearer nonsense", "Basic abc"])
def test_a_bad_token_never_asks_the_database(header):
    accounts = Accounts()
    principal, problem = identity(accounts)._principal(header)
    assert principal == ANONYMOUS and isinstance(problem, Unauthenticated)
    assert accounts.asked == []
