"""Logins over real HTTP, against the gateway's own accounts database (migrated SQLite):
attempts are limited per client before the KDF runs, whatever the username; a hash of older
parameters is replaced on the next login; too many logins at once are a 503 at once; a
deactivated account cannot log in and its token is refused within ACCOUNT_CHECK_SECONDS; a
department staff account's unit travels in its token and in the identity services see."""

import threading
import time

import jwt
import pytest
from gateway.identity import Identity
from servicekit import config
from servicekit.clock import utcnow
from servicekit.db import make_engine
from servicekit.migrate import upgrade
from sqlalchemy.orm import Session

from gateway import accounts, cli, db, passwords
from tests.support.gateway import RecordingGateway, envelope, running_gateway

CHEAP = passwords.Cost(2**10, 8, 1)
OLD = passwords.Cost(2**14, 8, 1)
LOGIN = "/api/v1/auth/token"
STAFF_ROUTE = ("get", "/api/v1/proposals", {"area_code": "150622"})


class CheckedAccounts(RecordingGateway):
    """The recording gateway with the real account check (gateway.standing)."""

    identity = Identity()


def add_account(username, password, cost=CHEAP, active=True):
    with Session(make_engine(config.database_url("gateway"))) as session:
        session.add(
            db.Account(
                username=username,
                display_name=username,
                password_hash=passwords.hash_password(password, cost),
                roles="government_staff",
                area_code="150622",
                active=active,
                created_at=utcnow(),
            )
        )
        session.commit()


def stored_hash(username):
    with Session(make_engine(config.database_url("gateway"))) as session:
        return db.account_by_username(session, username).password_hash


@pytest.fixture
def kdf_calls(monkeypatch):
    calls = []
    real = passwords.check

    def counted(password, stored, cost=None):
        calls.append(stored)
        return real(password, stored, cost)

    monkeypatch.setattr(passwords, "check", counted)
    monkeypatch.setattr(passwords, "dummy_hash", lambda: passwords.hash_password("x", CHEAP))
    return calls


def gateway_with_accounts(monkeypatch, tmp_path, **env):
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GATEWAY_DATABASE_URL", raising=False)
    upgrade("gateway")
    return running_gateway(monkeypatch, tmp_path, service=CheckedAccounts, **env)


def login(gateway, username, password):
    return gateway.request("post", LOGIN, json={"username": username, "password": password})


def test_attempts_per_client_are_limited_before_the_kdf_whatever_the_username(
    monkeypatch, tmp_path, kdf_calls
):
    with gateway_with_accounts(monkeypatch, tmp_path, RATE_LIMIT_LOGIN_CLIENT="3/60") as gateway:
        sprayed = [login(gateway, f"user{i}", "Summer2026!") for i in range(5)]
    assert [r.status_code for r in sprayed] == [401, 401, 401, 429, 429]
    assert len(kdf_calls) == 3  # the refused ones never reached the KDF
    assert int(sprayed[-1].headers["Retry-After"]) > 0
    assert envelope(sprayed[-1], 429)["code"] == "rate_limited"


def test_an_older_hash_is_replaced_on_the_next_successful_login(monkeypatch, tmp_path):
    with gateway_with_accounts(monkeypatch, tmp_path) as gateway:
        add_account("zhangsan", "old-password-1", OLD)
        assert login(gateway, "zhangsan", "wrong-password").status_code == 401
        assert stored_hash("zhangsan").split("$")[1] == str(2**14)  # a failure changes nothing
        assert login(gateway, "zhangsan", "old-password-1").status_code == 200
        upgraded = stored_hash("zhangsan")
        assert upgraded.split("$")[1:4] == [str(2**17), "8", "1"]
        assert login(gateway, "zhangsan", "old-password-1").status_code == 200
        assert stored_hash("zhangsan") == upgraded  # once


def test_too_many_logins_at_once_are_answered_503_at_once(monkeypatch, tmp_path):
    def slow_check(password, stored, cost=None):
        time.sleep(0.5)  # a thread of the KDF's, as scrypt would
        return False, None

    monkeypatch.setattr(passwords, "check", slow_check)
    monkeypatch.setattr(passwords, "dummy_hash", lambda: "dummy")
    env = {"GATEWAY_KDF_THREADS": "1", "GATEWAY_KDF_QUEUE": "1"}
    with gateway_with_accounts(monkeypatch, tmp_path, **env) as gateway:
        answers = {}

        def attempt(i):
            answers[i] = login(gateway, f"user{i}", "password-123")

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
            time.sleep(0.05)
        for thread in threads:
            thread.join()
    statuses = sorted(r.status_code for r in answers.values())
    assert statuses == [401, 401, 503, 503]
    busy = next(r for r in answers.values() if r.status_code == 503)
    assert envelope(busy, 503)["code"] == "too_busy" and busy.headers["Retry-After"] == "1"


class TestDeactivation:
    def test_a_deactivated_account_cannot_log_in_and_its_token_is_refused(
        self, monkeypatch, tmp_path, capsys
    ):
        env = {"ACCOUNT_CHECK_SECONDS": "1"}
        with gateway_with_accounts(monkeypatch, tmp_path, **env) as gateway:
            add_account("lisi", "lisi-password-1", passwords.COST)
            token = login(gateway, "lisi", "lisi-password-1").json()["access_token"]
            method, path, params = STAFF_ROUTE
            auth = {"Authorization": f"Bearer {token}"}
            assert gateway.request(method, path, params=params, headers=auth).status_code == 200

            assert cli.main(["deactivate-account", "--username", "lisi"]) == 0
            assert capsys.readouterr().out.startswith("已停用账号 lisi")
            time.sleep(1.1)
            refused = gateway.request(method, path, params=params, headers=auth)
            assert envelope(refused, 401)["message"].startswith("账号已停用")
            assert login(gateway, "lisi", "lisi-password-1").status_code == 401
            assert gateway.calls == [gateway.calls[0]]  # only the call before

            assert cli.main(["activate-account", "--username", "lisi"]) == 0
            time.sleep(1.1)
            assert gateway.request(method, path, params=params, headers=auth).status_code == 200

    def test_an_unknown_username_is_one_line_and_status_1(self, monkeypatch, tmp_path, capsys):
        monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
        monkeypatch.delenv("GATEWAY_DATABASE_URL", raising=False)
        assert cli.main(["deactivate-account", "--username", "nobody"]) == 1
        err = capsys.readouterr().err.strip()
        assert err.startswith("未更改") and "\n" not in err

    def test_a_token_of_a_deleted_account_is_refused(self, monkeypatch, tmp_path):
        with gateway_with_accounts(monkeypatch, tmp_path) as gateway:
            add_account("wangwu", "wangwu-password-1", passwords.COST)
            token = login(gateway, "wangwu", "wangwu-password-1").json()["access_token"]
            with Session(make_engine(config.database_url("gateway"))) as session:
                session.delete(db.account_by_username(session, "wangwu"))
                session.commit()
            method, path, params = STAFF_ROUTE
            refused = gateway.request(
                method, path, params=params, headers={"Authorization": f"Bearer {token}"}
            )
            assert envelope(refused, 401)["message"].startswith("账号已停用")


def test_accounts_create_is_unchanged_by_the_cost(monkeypatch, tmp_path):
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GATEWAY_DATABASE_URL", raising=False)
    upgrade("gateway")
    with Session(make_engine(config.database_url("gateway"))) as session:
        account = accounts.create_account(
            session,
            username="zhaoliu",
            password="zhaoliu-password",
            roles=["deputy"],
            area_code="150622100",
            display_name=None,
            now=utcnow(),
        )
        assert account.password_hash.split("$")[1] == str(2**17)


class TestDepartments:
    def test_the_department_is_in_the_token_and_the_sealed_context(
        self, monkeypatch, tmp_path, capsys
    ):
        monkeypatch.setenv("MINSHENG_NEW_PASSWORD", "zhujian-password-1")
        with gateway_with_accounts(monkeypatch, tmp_path) as gateway:
            argv = ["create-account", "--username", "zhujian", "--role", "department_staff"]
            created = cli.main([*argv, "--area", "150622", "--department", "住建局"])
            assert created == 0 and "住建局" in capsys.readouterr().out
            answer = login(gateway, "zhujian", "zhujian-password-1").json()
            assert answer["user"]["department"] == "住建局"
            claims = jwt.decode(answer["access_token"], options={"verify_signature": False})
            assert claims["dept"] == "住建局"
            auth = {"Authorization": f"Bearer {answer['access_token']}"}
            params = {"area_code": "150622"}
            listed = gateway.request("get", "/api/v1/projects", params=params, headers=auth)
            assert listed.status_code == 200, listed.text
        (call,) = gateway.calls
        assert call.principal.department == "住建局"  # unsealed as the service would
        assert call.principal.roles == ("department_staff",)

    def test_department_staff_without_a_department_is_not_created(
        self, monkeypatch, tmp_path, capsys
    ):
        monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
        monkeypatch.delenv("GATEWAY_DATABASE_URL", raising=False)
        monkeypatch.setenv("MINSHENG_NEW_PASSWORD", "zhujian-password-1")
        argv = ["create-account", "--username", "zhujian", "--role", "department_staff"]
        assert cli.main([*argv, "--area", "150622"]) == 1
        err = capsys.readouterr().err.strip()
        assert err.startswith("未创建") and "部门工作人员账号须填写所属部门" in err

    def test_other_accounts_log_in_without_one(self, monkeypatch, tmp_path):
        with gateway_with_accounts(monkeypatch, tmp_path) as gateway:
            add_account("zhangsan", "zhangsan-password")
            user = login(gateway, "zhangsan", "zhangsan-password").json()["user"]
        assert user["department"] is None

    def test_an_older_account_is_given_its_department_and_cannot_lose_it(
        self, monkeypatch, tmp_path, capsys
    ):
        monkeypatch.setenv("MINSHENG_NEW_PASSWORD", "zhujian-password-1")
        with gateway_with_accounts(monkeypatch, tmp_path) as gateway:
            assert cli.main(["create-account", "--username", "wang", "--role", "government_staff",
                             "--role", "department_staff", "--area", "150622",
                             "--department", "交通局"]) == 0  # fmt: skip
            assert (
                cli.main(["set-department", "--username", "wang", "--department", "住建局 "]) == 0
            )
            assert "住建局" in capsys.readouterr().out
            assert (
                login(gateway, "wang", "zhujian-password-1").json()["user"]["department"]
                == "住建局"
            )
            assert cli.main(["set-department", "--username", "wang", "--department", ""]) == 1
            assert "须填写所属部门" in capsys.readouterr().err
            assert cli.main(["set-department", "--username", "nobody", "--department", "x"]) == 1
