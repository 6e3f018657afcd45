"""The supervision service through its entrypoints,
on its migrated SQLite database."""

import pytest
from servicekit.auth import ANONYMOUS, Principal
from servicekit.errors import Unauthenticated

from tests.support.workers import migrated_sessions, service_worker

STAFF = Principal("staff-1", ("government_staff",), "150622")


@pytest.fixture
def sessions(tmp_path):
    with migrated_sessions("supervision", tmp_path) as sessions:
        yield sessions


def test_staff_see_the_status(sessions):
    status = service_worker("supervision", sessions, STAFF).get_status()
    assert status == {"service": "supervision", "events_processed": 0}


def test_an_anonymous_caller_is_refused(sessions):
    with pytest.raises(Unauthenticated):
        service_worker("supervision", sessions, ANONYMOUS).get_status()
