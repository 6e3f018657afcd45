"""A group's members: the rules a membership list must keep (stdlib only)."""

from collections.abc import Sequence
from typing import Any

LEADER = "leader"


class MembershipError(Exception):
    """A membership list that breaks a rule: `message` says which, `details` where."""

    def __init__(self, message: str, details: dict[str, list[str]]):
        super().__init__(message)
        self.message = message
        self.details = details


def check_members(members: Sequence[dict[str, Any]]) -> None:
    """Exactly one leader (组长) and each account once; the refusal names the members at fault."""
    leaders = [n for n, m in enumerate(members) if m["role"] == LEADER]
    if not leaders:
        raise MembershipError(
            "监督小组须有且仅有一名组长，当前没有组长 "
            "(a group needs exactly one leader: none given)",
            {"members": ["没有 role 为 leader 的成员 (no member has role leader)"]},
        )
    if len(leaders) > 1:
        names = "、".join(str(members[n]["name"]) for n in leaders)
        raise MembershipError(
            f"监督小组须有且仅有一名组长，当前有{len(leaders)}名：{names} "
            f"(a group needs exactly one leader: {len(leaders)} given)",
            {f"members.{n}.role": ["组长重复 (a second leader)"] for n in leaders[1:]},
        )
    seen: dict[str, int] = {}
    for n, member in enumerate(members):
        if member["subject"] in seen:
            raise MembershipError(
                f"成员账号重复：{member['name']} (the same account listed twice)",
                {
                    f"members.{n}.subject": [
                        f"与第{seen[member['subject']] + 1}名成员重复 (duplicate)"
                    ]
                },
            )
        seen[member["subject"]] = n
