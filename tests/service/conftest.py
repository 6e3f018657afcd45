"""Service tests: a migrated SQLite session per test (tests.support.collection_worker)."""

import pytest

from tests.support.collection_worker import migrated_session


@pytest.fixture
def session(tmp_path):
    with migrated_session(tmp_path) as session:
        yield session
