"""Misuse of the ballot by people who hold a role (or a token-shaped string): the count
supervisor (监票人) who also entered a reading of a paper sheet, and the unauthenticated cast
route with a malformed token. The voting service over its two real SQLite databases."""

import pytest
from servicekit.auth import Principal
from servicekit.errors import Forbidden, ValidationFailed
from sqlalchemy import event

from tests.support.voting_worker import (
    STAFF,
    SUPERVISOR,
    TELLER_B,
    TOWN,
    migrated_databases,
    prepared_session,
    voting_worker,
)

# One person with both hats: teller (congress staff) and count supervisor.
TELLER_AND_SUPERVISOR = Principal("teller-a", ("congress_staff", "supervisor"), TOWN)
TOKEN = "T" + "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@pytest.fixture
def dbs(tmp_path):
    with migrated_databases(tmp_path) as databases:
        yield databases


def closed_with_paper(dbs):
    prepared = prepared_session(dbs)
    staff = voting_worker(dbs, STAFF)
    staff.open_session(prepared.session_id, {})
    staff.issue_ballot(prepared.session_id, {"deputy_number": "D001", "medium": "paper"})
    staff.close_session(prepared.session_id, {})
    return prepared.session_id, prepared.candidates


class TestPaperResolution:
    def mismatch(self, dbs, first_teller):
        sid, ids = closed_with_paper(dbs)
        voting_worker(dbs, first_teller).enter_paper_ballot(
            sid, {"sheet": 1, "choices": {ids[0]: "approve"}}
        )
        sheet = voting_worker(dbs, TELLER_B).enter_paper_ballot(
            sid, {"sheet": 1, "choices": {ids[1]: "approve"}}
        )
        assert sheet["status"] == "mismatch"
        return sid

    def test_a_supervisor_who_entered_a_reading_cannot_resolve_that_sheet(self, dbs):
        sid = self.mismatch(dbs, TELLER_AND_SUPERVISOR)
        resolution = {"choices": None, "note": "以我的录入为准"}
        with pytest.raises(Forbidden, match="录入"):
            voting_worker(dbs, TELLER_AND_SUPERVISOR).resolve_paper_ballot(sid, 1, resolution)
        status = voting_worker(dbs, STAFF).paper_status(sid)
        assert status["mismatches"] == [1] and status["matched"] == 0

    def test_another_supervisor_resolves_it(self, dbs):
        sid = self.mismatch(dbs, TELLER_AND_SUPERVISOR)
        resolved = voting_worker(dbs, SUPERVISOR).resolve_paper_ballot(
            sid, 1, {"choices": None, "note": "勾画无法辨认"}
        )
        assert resolved["status"] == "resolved"


class TestMalformedTokens:
    @pytest.mark.parametrize(
        "token",
        [TOKEN + "\n", TOKEN.lower(), TOKEN[:-1], "X" + TOKEN[1:], TOKEN[:-1] + "U", 42, None],
        ids=["trailing newline", "lower case", "short", "no level", "not base32", "int", "null"],
    )
    def test_are_refused_before_either_database_is_touched(self, dbs, token):
        sid, ids = closed_with_paper(dbs)
        statements = []
        for session in (dbs.db, dbs.box):
            event.listen(session.get_bind(), "before_cursor_execute", statements.append)
        cast = {"session_id": sid, "token": token, "choices": {ids[0]: "approve"}}
        with pytest.raises(ValidationFailed) as refused:
            voting_worker(dbs).cast_ballot(cast)
        assert "token" in refused.value.details
        assert statements == []

    def test_a_session_id_with_a_trailing_newline_is_refused_too(self, dbs):
        sid, ids = closed_with_paper(dbs)
        cast = {"session_id": sid + "\n", "token": TOKEN, "choices": {ids[0]: "approve"}}
        with pytest.raises(ValidationFailed) as refused:
            voting_worker(dbs).cast_ballot(cast)
        assert list(refused.value.details) == ["session_id"]
