"""Results, the audit log and exports."""

from typing import Any

from contracts import voting as contract
from servicekit.rpc import rpc
from servicekit.validation import load

from .. import errors
from ..use_cases import results


class ResultEntrypoints:
    """Mixed into VotingService, which provides `db` and `auth`."""

    db: Any
    auth: Any

    @rpc
    def get_result(self, session_id: str) -> dict[str, Any]:
        return results.get_result(self.db, self.auth, session_id)

    @rpc
    def get_audit(self, session_id: str) -> dict[str, Any]:
        return results.get_audit(self.db, self.auth, session_id)

    @rpc
    def get_export(self, session_id: str, fmt: str, query: dict | None = None) -> dict:
        """ "T-…", "pb", {"round": 1} -> {"file_name", "content_type", "content_base64", …}"""
        if fmt not in contract.EXPORT_FORMATS:
            raise errors.not_found_format(fmt)
        data = load(contract.ExportQuery, query or {})
        return results.get_export(self.db, self.auth, session_id, fmt, data)
