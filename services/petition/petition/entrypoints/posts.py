"""Duty posts (履职圈): published by deputies, read by anyone, moderated by congress staff."""

from typing import Any

from contracts import posts as contract
from servicekit.clock import utcnow
from servicekit.errors import NotFound
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import posts


class PostEntrypoints:
    """Mixed into PetitionService, which provides `db` and `auth`."""

    db: Any
    auth: Any

    @rpc
    def publish_duty_post(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"kind": "visit", "text": "走访…", "place": "迎宾路小区", "held_on": "2026-05-12",
        "attachments": [{"file_name", "content_type": "image/jpeg", "size_bytes", "sha256"}]}"""
        data = load(contract.DutyPostIn, payload)
        return posts.publish_duty_post(self.db, self.auth, data, idempotency_key, utcnow())

    @rpc
    def list_duty_posts(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code": "150622", "deputy_code"?, "kind"?, "include_hidden"?} -> newest first"""
        return posts.list_duty_posts(self.db, self.auth, load(contract.DutyPostsQuery, query))

    @rpc
    def get_duty_post(self, post_id: str) -> dict[str, Any]:
        """ "T-3f…" -> the post (hidden: its author and congress staff of its area only)"""
        return posts.get_duty_post(self.db, self.auth, post_id)

    @rpc
    def put_duty_post(self, post_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "T-3f…", the whole post -> the post (its author only)"""
        data = load(contract.DutyPostIn, payload)
        return posts.put_duty_post(self.db, self.auth, post_id, data, utcnow())

    @rpc
    def delete_duty_post(self, post_id: str) -> dict[str, Any]:
        return posts.delete_duty_post(self.db, self.auth, post_id, utcnow())

    @rpc
    def moderate_duty_post(
        self, post_id: str, action: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """ "T-3f…", "hide", {"reason": "含群众个人信息"} -> the post, hidden"""
        if action not in contract.POST_ACTIONS:
            raise NotFound("没有该操作 (unknown action)")
        data = load(contract.PostModerate, payload)
        return posts.moderate_duty_post(self.db, self.auth, post_id, action, data, utcnow())
