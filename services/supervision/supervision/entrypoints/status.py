"""Status: what this level's workers have done so far."""

from typing import Any

from servicekit.rpc import rpc

from ..use_cases import status


class StatusEntrypoints:
    """Mixed into SupervisionService, which provides `db` and `auth`."""

    db: Any
    auth: Any

    @rpc
    def get_status(self) -> dict[str, Any]:
        """() -> {"service": "supervision", "events_processed": 0}"""
        return status.get_status(self.db, self.auth)
