"""Sessions and their state machine: create, deliberate, check in, open, close, tally,
announce, publish, runoff, and the street consultation record."""

from typing import Any

from contracts import voting as contract
from servicekit.clock import utcnow
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import counting, roll, sessions


class SessionEntrypoints:
    """Mixed into VotingService, which provides `db`, `box`, `outbox` and `auth`."""

    db: Any
    box: Any
    outbox: Any
    auth: Any

    @rpc
    def create_session(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"area_code", "year", "kind": "congress_session", "title", "candidate_list_id"}"""
        data = load(contract.SessionCreate, payload)
        return sessions.create_session(
            self.db, self.box, self.auth, data, payload, idempotency_key, utcnow()
        )

    @rpc
    def list_sessions(self, query: dict[str, Any]) -> dict[str, Any]:
        data = load(contract.SessionQuery, query)
        return sessions.list_sessions(self.db, self.box, self.auth, data)

    @rpc
    def get_session(self, session_id: str) -> dict[str, Any]:
        return sessions.get_session(self.db, self.box, self.auth, session_id)

    @rpc
    def start_deliberation(self, session_id: str, payload: dict | None = None) -> dict:
        load(contract.Transition, payload or {})
        return sessions.start_deliberation(self.db, self.box, self.auth, session_id)

    @rpc
    def record_deliberation(self, session_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        data = load(contract.DeliberationRecord, payload)
        return sessions.record_deliberation(self.db, self.auth, session_id, data, utcnow())

    @rpc
    def deliberation_summary(self, session_id: str) -> dict[str, Any]:
        return sessions.deliberation_summary(self.db, self.auth, session_id)

    @rpc
    def check_in(self, session_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        data = load(contract.CheckIn, payload)
        return roll.check_in(self.db, self.auth, session_id, data, utcnow())

    @rpc
    def attendance_report(self, session_id: str) -> dict[str, Any]:
        """Who checked whom in, who confirmed, who issued each ballot (staff, supervisors)."""
        return roll.attendance(self.db, self.auth, session_id)

    @rpc
    def open_session(self, session_id: str, payload: dict | None = None) -> dict:
        load(contract.Transition, payload or {})
        return sessions.open_session(self.db, self.box, self.auth, session_id)

    @rpc
    def record_consultation(self, session_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        data = load(contract.ConsultationRecord, payload)
        return counting.record_consultation(self.db, self.box, self.auth, session_id, data)

    @rpc
    def close_session(self, session_id: str, payload: dict | None = None) -> dict:
        load(contract.Transition, payload or {})
        return counting.close_session(self.db, self.box, self.auth, session_id)

    @rpc
    def tally_session(self, session_id: str, payload: dict | None = None) -> dict:
        load(contract.Transition, payload or {})
        return counting.tally_session(self.db, self.box, self.auth, session_id)

    @rpc
    def announce_session(self, session_id: str, payload: dict | None = None) -> dict:
        load(contract.Transition, payload or {})
        return counting.announce_session(
            self.db, self.box, self.outbox, self.auth, session_id, utcnow()
        )

    @rpc
    def publish_session(self, session_id: str, payload: dict | None = None) -> dict:
        load(contract.Transition, payload or {})
        return counting.publish_session(self.db, self.auth, session_id, utcnow())

    @rpc
    def open_runoff(self, session_id: str, payload: dict | None = None) -> dict:
        load(contract.Transition, payload or {})
        return counting.open_runoff(self.db, self.box, self.auth, session_id)
