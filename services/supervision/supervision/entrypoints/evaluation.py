"""Indicator frameworks and evaluations (绩效评价 · 预评估)."""

from typing import Any

from contracts import supervision_evaluation as contract
from servicekit.clock import utcnow
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import evaluations, frameworks


class EvaluationEntrypoints:
    """Mixed into SupervisionService, which provides `db`, `outbox` and `auth`."""

    db: Any
    outbox: Any
    auth: Any

    @rpc
    def get_framework_template(self) -> dict[str, Any]:
        """-> the default framework (决策/过程/产出/效益): an editable default, not official"""
        return frameworks.template(self.auth)

    @rpc
    def create_framework(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"area_code", "name", "scope": "project", "indicators": [...], "grade_bands": [...]}"""
        data = load(contract.FrameworkIn, payload)
        return frameworks.create_framework(self.db, self.auth, data, idempotency_key, utcnow())

    @rpc
    def revise_framework(self, framework_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "T-…", {"reason", "indicators", "grade_bands"} -> the framework's new version"""
        data = load(contract.FrameworkRevision, payload)
        return frameworks.revise_framework(self.db, self.auth, framework_id, data, utcnow())

    @rpc
    def list_frameworks(self, query: dict[str, Any]) -> dict[str, Any]:
        data = load(contract.FrameworksQuery, query)
        return frameworks.list_frameworks(self.db, self.auth, data)

    @rpc
    def get_framework(self, framework_id: str, query: dict[str, Any] | None = None) -> dict:
        """ "T-…", {"version": 1} -> that version (the latest without one)"""
        data = load(contract.FrameworkQuery, query or {})
        return frameworks.get_framework(self.db, self.auth, framework_id, data)

    @rpc
    def record_evaluation(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"framework_id", "framework_version", "kind", "project_id", "year", "scores": {...}}"""
        data = load(contract.EvaluationIn, payload)
        return evaluations.record_evaluation(
            self.db, self.outbox, self.auth, data, idempotency_key, utcnow()
        )

    @rpc
    def list_evaluations(self, query: dict[str, Any]) -> dict[str, Any]:
        data = load(contract.EvaluationsQuery, query)
        return evaluations.list_evaluations(self.db, self.auth, data)

    @rpc
    def get_evaluation(self, evaluation_id: str) -> dict[str, Any]:
        return evaluations.get_evaluation(self.db, self.auth, evaluation_id)

    @rpc
    def evaluation_report(self, evaluation_id: str) -> dict[str, Any]:
        """ "T-…" -> the evaluation report as a Word document (ExportFile)"""
        return evaluations.evaluation_report(self.db, self.auth, evaluation_id)
