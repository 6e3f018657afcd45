"""Roles in words, Chinese first, for the OpenAPI document (the tokens carry the codes)."""

from collections.abc import Iterable

ROLE_TITLES = {
    "admin": "系统管理员",
    "congress_staff": "人大工作人员",
    "government_staff": "政府工作人员",
    "department_staff": "部门工作人员",
    "finance_staff": "财政工作人员",
    "deputy": "人大代表",
    "supervisor": "监督人员",
    "evaluator": "评估人员",
}


def describe(roles: Iterable[str]) -> str:
    """'人大工作人员、人大代表 (congress_staff, deputy)', in the order of ROLE_TITLES."""
    chosen = [role for role in ROLE_TITLES if role in set(roles)]
    if not chosen:
        return "无 (none)"
    return f"{'、'.join(ROLE_TITLES[role] for role in chosen)} ({', '.join(chosen)})"
