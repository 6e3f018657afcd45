"""Integration fixtures: the collection database on both engines the platform runs on."""

import pytest

from tests.support.factories import migrated_engine


@pytest.fixture(params=["postgresql", "sqlite"])
def collection_url(request, tmp_path):
    """A fresh, empty collection database: a private PostgreSQL database, or a SQLite file."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'collection.db'}"
    return request.getfixturevalue("pg").create("collection")


@pytest.fixture
def engine(collection_url):
    """That database migrated to head."""
    engine = migrated_engine("collection", collection_url)
    yield engine
    engine.dispose()
