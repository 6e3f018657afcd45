"""A project's code: its QR code and site sign (congress staff), what a code names (anyone)."""

from typing import Any

from servicekit.rpc import rpc

from ..use_cases import public_codes


class PublicCodeEntrypoints:
    """Mixed into SupervisionService, which provides `db` and `auth`."""

    db: Any
    auth: Any

    @rpc
    def get_project_qr(self, project_id: str, image: str) -> dict[str, Any]:
        """ "T-…", "svg" | "png" -> the QR code of PUBLIC_BASE_URL/p/<code>, as a file"""
        return public_codes.get_project_qr(self.db, self.auth, project_id, image)

    @rpc
    def get_project_sign(self, project_id: str) -> dict[str, Any]:
        """ "T-…" -> the printable A4 site sign (SVG): title, lead unit, deadline, QR, code"""
        return public_codes.get_project_sign(self.db, self.auth, project_id)

    @rpc
    def get_project_by_code(self, project_code: str) -> dict[str, Any]:
        """ "t7k2m9qxab1" -> {"project_id", "title", "area_code", "year", …}; anyone"""
        return public_codes.get_project_by_code(self.db, project_code)
