"""Supervision groups, their members and projects, suggestions, the supervised projects' list
and a project's file: load, call one use case, return."""

from typing import Any

from contracts import supervision_groups as contract
from servicekit.clock import utcnow
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import groups, project_file, suggestions


class GroupEntrypoints:
    """Mixed into SupervisionService, which provides `db`, `outbox` and `auth`."""

    db: Any
    outbox: Any
    auth: Any

    @rpc
    def create_group(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"area_code": "150622", "year": 2026, "name": "第一监督组", "members": [{"subject",
        "name", "role": "leader"}], "project_ids": ["T-…"]} -> the group"""
        data = load(contract.GroupIn, payload)
        return groups.create_group(self.db, self.outbox, self.auth, data, idempotency_key, utcnow())

    @rpc
    def list_groups(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code": "150622", "year": 2026} -> a page of the area's groups (subtree)"""
        return groups.list_groups(self.db, self.auth, load(contract.GroupsQuery, query))

    @rpc
    def get_group(self, group_id: str) -> dict[str, Any]:
        """ "T-…" -> the group, its members and its projects"""
        return groups.get_group(self.db, self.auth, group_id)

    @rpc
    def put_group_projects(self, group_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "T-…", {"project_ids": ["T-…"]} -> the group with exactly these projects"""
        data = load(contract.GroupProjectsIn, payload)
        return groups.put_projects(self.db, self.auth, group_id, data, utcnow())

    @rpc
    def put_group_members(self, group_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "T-…", {"members": [...]} -> the group with exactly these members"""
        data = load(contract.GroupMembersIn, payload)
        return groups.put_members(self.db, self.auth, group_id, data, utcnow())

    @rpc
    def suggest_groups(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "year", "deputies": [...], "leaders": [...]} -> proposed groups"""
        data = load(contract.SuggestionIn, payload)
        return suggestions.suggest_groups(self.db, self.auth, data)

    @rpc
    def list_supervision_projects(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code": "150622", "year": 2026, "unassigned": true} -> a page of projects"""
        data = load(contract.SupervisionProjectsQuery, query)
        return project_file.list_projects(self.db, self.auth, data)

    @rpc
    def get_project_file(self, project_id: str) -> dict[str, Any]:
        """ "T-…" -> the project, its groups, its open findings and its timeline"""
        return project_file.get_file(self.db, self.auth, project_id)
