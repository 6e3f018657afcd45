"""scripts.demo_data: the printed accounts fit the flows they are for, and an older `make run`'s
demo accounts are brought up to date (an account someone made their own is left alone)."""

import pytest
from servicekit import areas, config
from servicekit.clock import utcnow
from servicekit.db import make_engine
from servicekit.migrate import upgrade
from sqlalchemy.orm import Session

from gateway import accounts, db, passwords
from scripts import demo_data

BY_NAME = {row[0]: row for row in demo_data.DEMO_ACCOUNTS}


def test_two_different_congress_staff_can_be_the_two_tellers():
    tellers = [row for row in demo_data.DEMO_ACCOUNTS if row[1] == "congress_staff"]
    assert len(tellers) >= 2
    tree = areas.load()
    for _, _, area, _, _ in tellers:
        assert all(tree.within(code, area) for code in demo_data.VOTING_AREAS)


def test_the_deputy_and_the_supervisor_are_inside_the_demo_voting_areas():
    tree = areas.load()
    assert BY_NAME[demo_data.DEMO_DEPUTY][1:3] == ("deputy", demo_data.ROSTER_AREA)
    supervisor = next(row for row in demo_data.DEMO_ACCOUNTS if row[1] == "supervisor")
    assert all(tree.within(code, supervisor[2]) for code in demo_data.VOTING_AREAS)


def test_the_roster_names_the_demo_deputys_account_on_one_row_only():
    rows = [line.split(",") for line in demo_data.demo_roster_csv().splitlines()]
    assert rows[0] == ["代表证号", "姓名", "代表团", "电话", "账号"]
    named = [row for row in rows[1:] if row[4]]
    assert named == [["DEMO-001", "演示代表01", "第一代表组", "0477-0000001", "daibiao"]]
    assert len(rows) - 1 == demo_data.DEMO_DEPUTIES


@pytest.fixture
def gateway_db(tmp_path, monkeypatch):
    monkeypatch.setattr(passwords, "COST", passwords.Cost(2**10, 8, 1))  # not 0.45 s a hash
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GATEWAY_DATABASE_URL", raising=False)
    upgrade("gateway")
    return lambda: Session(make_engine(config.database_url("gateway")))


def _account(session: Session, username: str) -> db.Account:
    account = db.account_by_username(session, username)
    assert account is not None
    return account


def test_a_fresh_database_gets_every_account_then_nothing_changes(gateway_db):
    printed, changed = demo_data.ensure_accounts()
    assert printed == list(demo_data.DEMO_ACCOUNTS)
    assert changed == set(BY_NAME)
    assert demo_data.ensure_accounts()[1] == set()


def test_an_older_demo_deputy_is_moved_into_the_demo_town(gateway_db):
    username, role, _, _, password = BY_NAME["daibiao"]
    with gateway_db() as session:
        accounts.create_account(
            session,
            username=username,
            password=password,
            roles=[role],
            area_code="150602001",  # 林荫街道, where an older make run put the demo deputy
            display_name="林荫街道人大代表",
            now=utcnow(),
        )
    assert "daibiao" in demo_data.ensure_accounts()[1]
    with gateway_db() as session:
        account = _account(session, "daibiao")
        assert account.area_code == demo_data.ROSTER_AREA
        assert passwords.verify_password(password, account.password_hash)


def test_an_account_with_a_demo_name_but_its_own_password_is_left_alone(gateway_db):
    with gateway_db() as session:
        accounts.create_account(
            session,
            username="jiandu",
            password="someone-elses-password",
            roles=["supervisor"],
            area_code="150625",
            display_name="杭锦旗社会监督员",
            now=utcnow(),
        )
    assert "jiandu" not in demo_data.ensure_accounts()[1]
    with gateway_db() as session:
        assert _account(session, "jiandu").area_code == "150625"


def test_the_department_staff_names_its_unit_and_an_older_one_gets_it(gateway_db):
    username, role, area, name, password = BY_NAME["bumen"]
    with gateway_db() as session:  # as an older make run left it: no department column yet
        session.add(
            db.Account(
                username=username,
                display_name=name,
                password_hash=passwords.hash_password(password),
                roles=role,
                area_code=area,
                active=True,
                created_at=utcnow(),
            )
        )
        session.commit()
    assert "bumen" in demo_data.ensure_accounts()[1]
    with gateway_db() as session:
        assert _account(session, "bumen").department == demo_data.DEMO_DEPARTMENTS["bumen"]
    assert "bumen" not in demo_data.ensure_accounts()[1]
