"""A NUL never reaches PostgreSQL (psycopg2 raises ValueError on it: a 500). Request schemas
refuse it in text fields (contracts.fields); ids and codes that arrive as plain RPC arguments
are caught by servicekit.db before any statement is sent, as a 400 — on SQLite the same."""

import pytest
from servicekit.auth import Principal
from servicekit.errors import ValidationFailed
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.support.collection_worker import collection_worker
from tests.support.factories import migrated_engine

pytestmark = pytest.mark.integration

STAFF = Principal("staff-1", ("admin",), "150600")
PROPOSAL = {
    "title": "林荫街道广场改造",
    "description": "广场地砖破损，夜间照明不足。",
    "category": "基础设施",
    "area_code": "150602001",
    "location": {"text": "林荫街道文化广场"},
}


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def engine(request, pg, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('nul') / 'collection.db'}"
    else:
        url = pg.create("nul")
    engine = migrated_engine("collection", url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with Session(engine) as session:
        yield session


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("get_proposal", ("00000000-0000-0000-0000-00000000000\x00",)),
        ("track_proposal", ("T4KQ-7MZP-X2W\x00",)),
        ("suggest_duplicates", ("\x00",)),
        ("get_draft_list", ("\x00",)),
    ],
)
def test_an_id_with_nul_is_a_400_not_a_driver_error(session, method, args):
    with pytest.raises(ValidationFailed, match="NUL"):
        getattr(collection_worker(session, STAFF), method)(*args)


def test_a_title_with_nul_is_refused_by_its_schema_naming_the_field(session):
    with pytest.raises(ValidationFailed) as refused:
        collection_worker(session).submit_proposal({**PROPOSAL, "title": "广场\x00改造"})
    assert list(refused.value.details) == ["title"]


def test_any_statement_with_nul_in_a_parameter_is_refused_before_it_is_sent(session):
    with pytest.raises(ValidationFailed, match="NUL"):
        session.execute(text("select :value"), {"value": "a\x00b"})
    session.rollback()
    assert session.execute(text("select :value"), {"value": "a\tb"}).scalar() == "a\tb"
