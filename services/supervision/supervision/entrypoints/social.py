"""社会监督员: registering social supervisors, their projects, and their observations."""

from typing import Any

from contracts import supervision_public as contract
from servicekit.clock import utcnow
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import social


class SocialSupervisionEntrypoints:
    """Mixed into SupervisionService, which provides `db` and `auth`."""

    db: Any
    auth: Any

    @rpc
    def register_social_supervisor(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"area_code", "subject", "name", "phone", "project_ids"} -> the supervisor"""
        data = load(contract.SupervisorIn, payload)
        return social.register_social_supervisor(
            self.db, self.auth, data, idempotency_key, utcnow()
        )

    @rpc
    def list_social_supervisors(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code"} -> {"items": [the area's supervisors, with their projects]}"""
        data = load(contract.SupervisorsQuery, query)
        return social.list_social_supervisors(self.db, self.auth, data)

    @rpc
    def put_supervisor_projects(
        self, supervisor_id: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """ "T-…", {"project_ids": ["T-…"]} -> the supervisor with exactly these projects"""
        data = load(contract.SupervisorProjectsIn, payload)
        return social.put_supervisor_projects(self.db, self.auth, supervisor_id, data)

    @rpc
    def record_observation(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"project_id", "category", "text", "photos", "observed_on"} -> the observation"""
        data = load(contract.ObservationIn, payload)
        return social.record_observation(self.db, self.auth, data, idempotency_key, utcnow())

    @rpc
    def list_observations(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "project_id"?} -> staff: the area's; a supervisor: their own"""
        data = load(contract.ObservationsQuery, query)
        return social.list_observations(self.db, self.auth, data)

    @rpc
    def observation_to_finding(
        self, observation_id: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """ "T-…", {"text"?} -> {"finding_id", "source": "observation", …}"""
        data = load(contract.PublicFindingIn, payload)
        return social.observation_to_finding(self.db, self.auth, observation_id, data, utcnow())
