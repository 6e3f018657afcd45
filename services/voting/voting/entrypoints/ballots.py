"""The ballot: issuing (token or paper), casting with a token, receipts, paper double entry."""

from typing import Any

from contracts import voting as contract
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import casting, paper, roll


class BallotEntrypoints:
    """Mixed into VotingService, which provides `db`, `box` and `auth`."""

    db: Any
    box: Any
    auth: Any

    @rpc
    def issue_ballot(self, session_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "T-…", {"deputy_number": "D-001", "token_hash": sha256 hex} -> the roll's record"""
        data = load(contract.TokenIssue, payload)
        return roll.issue_ballot(self.db, self.box, self.auth, session_id, data)

    @rpc
    def reissue_ballot(self, session_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """A lost device: {"deputy_number", "token_hash", "reason"} voids the unspent token"""
        data = load(contract.TokenReissue, payload)
        return roll.reissue_ballot(self.db, self.box, self.auth, session_id, data)

    @rpc
    def open_ballot(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"token"} -> the ballot it votes on (and its receipt once cast)"""
        data = load(contract.BallotOpen, payload)
        return casting.open_ballot(self.db, self.box, data)

    @rpc
    def cast_ballot(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"session_id", "token", "choices": {candidate id: "approve", …}} -> a receipt"""
        data = load(contract.BallotCast, payload)
        return casting.cast_ballot(self.db, self.box, data)

    @rpc
    def check_receipt(self, session_id: str, code: str) -> dict[str, Any]:
        return casting.check_receipt(self.db, self.box, session_id, code)

    @rpc
    def enter_paper_ballot(self, session_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        data = load(contract.PaperBallotEntry, payload)
        return paper.enter_paper_ballot(self.db, self.box, self.auth, session_id, data)

    @rpc
    def resolve_paper_ballot(
        self, session_id: str, sheet: int, payload: dict[str, Any]
    ) -> dict[str, Any]:
        data = load(contract.PaperResolution, payload)
        return paper.resolve_paper_ballot(self.db, self.box, self.auth, session_id, sheet, data)

    @rpc
    def record_paper_count(self, session_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        data = load(contract.PaperCount, payload)
        return paper.record_paper_count(self.db, self.box, self.auth, session_id, data)

    @rpc
    def paper_status(self, session_id: str) -> dict[str, Any]:
        return paper.paper_status(self.db, self.box, self.auth, session_id)
