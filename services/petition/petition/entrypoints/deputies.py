"""Deputies, liaison stations and their public codes (码上找代表)."""

from typing import Any

from contracts import petition as contract
from servicekit.clock import utcnow
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import codes, deputies, stations


class DeputyEntrypoints:
    """Mixed into PetitionService, which provides `db` and `auth`."""

    db: Any
    auth: Any

    @rpc
    def import_deputies(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"area_code": "150622", "csv": "姓名,层级,地区代码,账号\\n…"} -> created and updated"""
        data = load(contract.DeputyImport, payload)
        return deputies.import_deputies(self.db, self.auth, data, idempotency_key, utcnow())

    @rpc
    def list_deputies(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code": "150622", "q": "王"} -> a page of the area's deputies (subtree)"""
        return deputies.list_deputies(self.db, self.auth, load(contract.DeputiesQuery, query))

    @rpc
    def get_deputy(self, deputy_id: str) -> dict[str, Any]:
        return deputies.get_deputy(self.db, self.auth, deputy_id)

    @rpc
    def get_deputy_qr(self, deputy_id: str, image: str) -> dict[str, Any]:
        """ "…", "svg" | "png" -> the QR code of the deputy's page, as a file"""
        return deputies.get_deputy_qr(self.db, self.auth, deputy_id, image)

    @rpc
    def get_deputy_poster(self, deputy_id: str) -> dict[str, Any]:
        """ "…" -> the printable A4 poster (SVG): name, photo place, station, QR, the code"""
        return deputies.get_deputy_poster(self.db, self.auth, deputy_id)

    @rpc
    def replace_deputy_code(self, deputy_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "…", {"reason", "successor_deputy_id"?} -> the code the old one now points to"""
        data = load(contract.CodeReplace, payload)
        return codes.replace_code(self.db, self.auth, "deputy", deputy_id, data, utcnow())

    @rpc
    def create_station(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"area_code", "name", "address", "lat", "lng", "duty": [{"weekday", "deputy_id"}]}"""
        data = load(contract.StationIn, payload)
        return stations.create_station(self.db, self.auth, data, idempotency_key, utcnow())

    @rpc
    def list_stations(self, query: dict[str, Any]) -> dict[str, Any]:
        return stations.list_stations(self.db, self.auth, load(contract.StationsQuery, query))

    @rpc
    def get_station(self, station_id: str) -> dict[str, Any]:
        return stations.get_station(self.db, self.auth, station_id)

    @rpc
    def put_station(self, station_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "…", the whole station (its schedule included) -> the station"""
        data = load(contract.StationIn, payload)
        return stations.put_station(self.db, self.auth, station_id, data, utcnow())

    @rpc
    def get_station_qr(self, station_id: str, image: str) -> dict[str, Any]:
        return stations.get_station_qr(self.db, self.auth, station_id, image)

    @rpc
    def get_station_poster(self, station_id: str) -> dict[str, Any]:
        return stations.get_station_poster(self.db, self.auth, station_id)

    @rpc
    def replace_station_code(self, station_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        data = load(contract.CodeReplace, payload)
        return codes.replace_code(self.db, self.auth, "station", station_id, data, utcnow())

    @rpc
    def get_public_code(self, public_code: str) -> dict[str, Any]:
        """ "T7K2M9QX" -> what the scan opens (a revoked code: 此码已停用 and its replacement)"""
        return codes.get_public_code(self.db, public_code)
