"""码上监督: feedback through a project's code (anyone) and its moderation (congress staff)."""

from typing import Any

from contracts import supervision_public as contract
from servicekit.clock import utcnow
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import feedback


class FeedbackEntrypoints:
    """Mixed into SupervisionService, which provides `db` and `auth`."""

    db: Any
    auth: Any

    @rpc
    def submit_feedback(
        self, project_code: str, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """ "T7K2M9QXAB1", {"anonymous": true, "text", "category": "quality", "photos": []}
        -> {"feedback_id", "state": "pending", "submitted_at"}"""
        data = load(contract.FeedbackIn, payload)
        return feedback.submit_feedback(
            self.db, self.auth, project_code, data, idempotency_key, utcnow()
        )

    @rpc
    def list_public_feedback(self, project_code: str) -> dict[str, Any]:
        """ "T7K2M9QXAB1" -> the published feedback, without names or phones"""
        return feedback.list_public_feedback(self.db, project_code)

    @rpc
    def list_feedback(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "year"?, "state"?} -> a page of the area's feedback, with contact"""
        return feedback.list_feedback(self.db, self.auth, load(contract.FeedbackQuery, query))

    @rpc
    def moderate_feedback(self, feedback_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "T-…", {"action": "publish" | "hide", "reason"} -> the feedback, moderated"""
        data = load(contract.ModerationIn, payload)
        return feedback.moderate_feedback(self.db, self.auth, feedback_id, data, utcnow())

    @rpc
    def feedback_to_finding(self, feedback_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "T-…", {"text"?} -> {"finding_id", "source": "feedback", …}"""
        data = load(contract.PublicFindingIn, payload)
        return feedback.feedback_to_finding(self.db, self.auth, feedback_id, data, utcnow())
