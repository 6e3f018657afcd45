"""deploy/postgres/init.sh on the machine's PostgreSQL: each name gets a role that owns its
database, and no role may connect to another's (the roll cannot read the ballot box).

The names are private to this run (roles are cluster-wide), and everything is dropped after.
"""

import os
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
from servicekit import testing

pytestmark = pytest.mark.integration

INIT_SH = Path(__file__).resolve().parents[2] / "deploy" / "postgres" / "init.sh"


@pytest.fixture
def names():
    if not testing.port_open("127.0.0.1", 5432):
        testing.unavailable("PostgreSQL at 127.0.0.1:5432")
    prefix = f"mstest_init_{uuid.uuid4().hex[:6]}"
    created = [f"{prefix}_roll", f"{prefix}_box"]
    yield created
    admin = psycopg2.connect(testing.PG_ADMIN_DSN)
    admin.autocommit = True
    with admin.cursor() as cursor:
        for name in created:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'DROP ROLE IF EXISTS "{name}"')
    admin.close()


def run_init(databases: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MINSHENG_DATABASES": databases, "PGHOST": "127.0.0.1"}
    return subprocess.run(
        ["bash", str(INIT_SH)], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def connects(role: str, database: str) -> bool:
    try:
        psycopg2.connect(host="127.0.0.1", user=role, password=role, dbname=database).close()
    except psycopg2.OperationalError as exc:
        assert "permission denied" in str(exc), exc
        return False
    return True


def test_each_role_reaches_its_own_database_only(names):
    roll, box = names
    result = run_init(f"{roll} {box}")
    assert result.returncode == 0, result.stderr
    assert connects(roll, roll) and connects(box, box)
    assert not connects(roll, box), "the roll's role can read the ballot box"
    assert not connects(box, roll)


def test_a_name_that_is_not_an_identifier_is_refused():
    result = run_init("good_name bad;name")
    assert result.returncode != 0
    assert "bad database name" in result.stderr
