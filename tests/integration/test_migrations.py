"""Alembic migrations of every service against SQLite and the machine's PostgreSQL.

From an empty database `servicekit.migrate.upgrade` creates the tables the service declares,
downgrade to base removes them, a second upgrade works, and the models' metadata matches what
the migrations built (autogenerate finds nothing to do), so the two never drift apart.
"""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from collection.db import Base as CollectionBase
from gateway.db import Base as GatewayBase
from servicekit import migrate
from servicekit.db import make_engine
from sqlalchemy import Column, MetaData, String, inspect
from voting.box.models import BoxBase
from voting.db import Base as VotingBase

pytestmark = pytest.mark.integration

MESSAGING_TABLES = {"outbox", "processed_events", "idempotency_keys"}
EXPECTED_TABLES = {
    "collection": {
        "notices",
        "proposals",
        # stage 1 (migration 0002)
        "proposal_supporters",
        "proposal_attachments",
        "screenings",
        "library_items",
        "area_settings",
        "draft_lists",
        "draft_list_versions",
        "draft_list_rounds",
        "round_comments",
        "candidate_lists",
        *MESSAGING_TABLES,
    },
    "gateway": {"accounts"},
    "voting": {
        "voting_rules",
        "rosters",
        "deputies",
        "candidate_lists",
        "sessions",
        "rounds",
        "check_ins",
        "issuances",
        "deliberations",
        "audit_entries",
        *MESSAGING_TABLES,
    },
    # the ballot box: nothing about who voted, not even the messaging tables
    "voting_ballots": {"box_rounds", "ballot_tokens", "ballots", "receipts", "paper_entries"},
}
METADATA: dict[str, MetaData] = {
    "collection": CollectionBase.metadata,
    "gateway": GatewayBase.metadata,
    "voting": VotingBase.metadata,
    "voting_ballots": BoxBase.metadata,
}
SERVICES = tuple(EXPECTED_TABLES)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.db'}"
    return request.getfixturevalue("pg").create("migrations")


def tables_of(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def schema_differences(url: str, metadata: MetaData) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engine.dispose()


class TestMigrations:
    @pytest.mark.parametrize("service", SERVICES)
    def test_upgrade_from_empty_creates_the_service_tables(self, service, database_url):
        assert tables_of(database_url) == set()

        migrate.upgrade(service, database_url)

        assert tables_of(database_url) == EXPECTED_TABLES[service]

    @pytest.mark.parametrize("service", SERVICES)
    def test_downgrade_to_base_removes_them_and_upgrade_again_works(self, service, database_url):
        migrate.upgrade(service, database_url)

        migrate.downgrade(service, database_url, "base")
        assert tables_of(database_url) == set()

        migrate.upgrade(service, database_url)
        assert tables_of(database_url) == EXPECTED_TABLES[service]

    @pytest.mark.parametrize("service", SERVICES)
    def test_upgrade_twice_is_a_no_op(self, service, database_url):
        migrate.upgrade(service, database_url)
        migrate.upgrade(service, database_url)

        assert tables_of(database_url) == EXPECTED_TABLES[service]

    @pytest.mark.parametrize("service", SERVICES)
    def test_models_match_the_migrated_schema(self, service, database_url):
        migrate.upgrade(service, database_url)

        assert schema_differences(database_url, METADATA[service]) == []

    def test_a_model_change_without_a_migration_is_detected(self, database_url):
        # Guards the check above against passing vacuously.
        migrate.upgrade("gateway", database_url)
        drifted = MetaData(naming_convention=GatewayBase.metadata.naming_convention)
        accounts = GatewayBase.metadata.tables["accounts"].to_metadata(drifted)
        accounts.append_column(Column("nickname", String(20), nullable=True))

        differences = schema_differences(database_url, drifted)

        assert [d[0] for d in differences] == ["add_column"]
        assert differences[0][3].name == "nickname"

    def test_messaging_tables_keep_their_keys_and_indexes(self, database_url):
        migrate.upgrade("collection", database_url)
        engine = make_engine(database_url)
        try:
            inspector = inspect(engine)
            uniques = inspector.get_unique_constraints("outbox")
            outbox_unique = {tuple(u["column_names"]) for u in uniques}
            outbox_indexes = {tuple(i["column_names"]) for i in inspector.get_indexes("outbox")}
            processed_pk = inspector.get_pk_constraint("processed_events")["constrained_columns"]
            keys_pk = inspector.get_pk_constraint("idempotency_keys")["constrained_columns"]
        finally:
            engine.dispose()
        assert ("event_id",) in outbox_unique
        assert ("sent_at",) in outbox_indexes
        assert processed_pk == ["event_id", "handler"]
        assert keys_pk == ["scope", "key"]
