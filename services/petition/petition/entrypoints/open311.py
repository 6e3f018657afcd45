"""Open311 GeoReport v2 (the gateway's /open311/v2 routes render these in JSON or XML) and the
integrators' api_keys (staff routes)."""

from typing import Any

from contracts import open311 as contract
from servicekit.clock import utcnow
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import open311, open311_intake


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


class Open311Entrypoints:
    """Mixed into PetitionService, which provides `db`, `outbox` and `auth`."""

    db: Any
    outbox: Any
    auth: Any

    @rpc
    def get_georeport_services(self, jurisdiction_id: str) -> list[dict[str, Any]]:
        """ "150622" -> every matter category as a service, with its promise"""
        return open311.get_georeport_services(self.db, _text(jurisdiction_id))

    @rpc
    def get_georeport_service(self, jurisdiction_id: str, service_code: str) -> dict[str, Any]:
        """ "150622", "infrastructure" -> the service definition (no attributes)"""
        return open311.get_georeport_service(self.db, _text(jurisdiction_id), _text(service_code))

    @rpc
    def list_georeport_requests(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        """{"jurisdiction_id", "status"?: "open,closed", "start_date"?, …} -> requests"""
        data = load(contract.RequestsQuery, query)
        return open311.list_georeport_requests(self.db, data, utcnow())

    @rpc
    def get_georeport_request(self, jurisdiction_id: str, request_id: str) -> list[dict[str, Any]]:
        return open311.get_georeport_request(self.db, _text(jurisdiction_id), _text(request_id))

    @rpc
    def get_georeport_token(self, jurisdiction_id: str, token: str) -> list[dict[str, Any]]:
        return open311.get_georeport_token(self.db, _text(jurisdiction_id), _text(token))

    @rpc
    def submit_georeport_request(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        """{"api_key", "service_code", "description", "lat", "long" | "address_string", …}"""
        integrator = open311_intake.integrator_of(self.db, self.auth, payload)
        data = load(contract.RequestIn, payload)
        return open311_intake.submit_georeport_request(
            self.db, self.outbox, self.auth, integrator, data, utcnow()
        )

    @rpc
    def list_georeport_updates(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        """{"jurisdiction_id", "start_date"?, "end_date"?} -> request_update records"""
        data = load(contract.UpdatesQuery, query)
        return open311.list_georeport_updates(self.db, data, utcnow())

    @rpc
    def post_georeport_update(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        """{"api_key", "service_request_id", "update_id", "status", "updated_datetime", …}"""
        integrator = open311_intake.integrator_of(self.db, self.auth, payload, own_area=True)
        data = load(contract.UpdateIn, payload)
        return open311_intake.post_georeport_update(self.db, self.auth, integrator, data, utcnow())

    @rpc
    def issue_georeport_key(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"area_code": "150622", "name": "准格尔旗 12345 平台"} -> the key, shown once"""
        data = load(contract.Open311KeyIn, payload)
        return open311_intake.issue_georeport_key(self.db, self.auth, data, utcnow())

    @rpc
    def list_georeport_keys(self, query: dict[str, Any]) -> dict[str, Any]:
        data = load(contract.Open311KeysQuery, query)
        return open311_intake.list_georeport_keys(self.db, self.auth, data)

    @rpc
    def revoke_georeport_key(self, key_id: str) -> dict[str, Any]:
        return open311_intake.revoke_georeport_key(self.db, self.auth, _text(key_id), utcnow())
