"""What the supervision inspection tests share: callers, projects as project_created_v1 makes
them, and groups written straight into the tables (through `make_group`, the one place that
knows the groups part's columns)."""

import uuid
from datetime import UTC, datetime
from typing import Any

from contracts.events import PROJECT_CREATED
from servicekit.auth import Principal
from servicekit.outbox import build_envelope

AREA = "150622100"  # 薛家湾镇
OTHER = "150622101"  # 沙圪堵镇, another township of the banner
BANNER = "150622"
YEAR = 2026
NOW = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
DEPARTMENT = "住房和城乡建设局"

CONGRESS = Principal("rd-1", ("congress_staff",), BANNER)
MEMBER = Principal("dep-1", ("deputy",), AREA)  # a member of the group
OUTSIDER = Principal("dep-9", ("deputy",), AREA)  # a deputy of no group
EVALUATOR = Principal("ev-1", ("evaluator",), AREA)
SOCIAL = Principal("sup-1", ("supervisor",), AREA)
GOVERNMENT = Principal("gov-1", ("government_staff",), AREA)
GOVERNMENT_OTHER = Principal("gov-2", ("government_staff",), OTHER)
DEPT = Principal("dept-1", ("department_staff",), AREA, department=DEPARTMENT)
DEPT_OTHER = Principal("dept-2", ("department_staff",), AREA, department="交通运输局")


def project_created(area: str = AREA, title: str = "老旧小区改造", **changes: Any) -> dict:
    payload = {
        "project_id": f"T-{uuid.uuid4().hex}",
        "proposal_id": str(uuid.uuid4()),
        "session_id": f"T-{uuid.uuid4().hex}",
        "area_code": area,
        "level": "township",
        "year": YEAR,
        "title": title,
        "category": "老旧小区改造",
        "estimated_cost_fen": 100_000_00,
        "lead_department": DEPARTMENT,
        "results_digest": "d" * 64,
        "created_at": "2026-01-20T03:00:00+00:00",
        **changes,
    }
    return build_envelope(
        PROJECT_CREATED, payload, area_code=area, level="township", correlation_id="corr-test"
    )


def make_group(
    session, project_ids: list[str], members: tuple[str, ...] = ("dep-1",), area: str = AREA
) -> str:
    """A group of `area` with `members` (subjects) and its projects, committed."""
    from servicekit import areas
    from supervision.db.groups_models import Group, GroupMember, GroupProject

    place = areas.require(area)
    group_id = f"{place.level[0].upper()}-{uuid.uuid4().hex}"
    session.add(
        Group(
            id=group_id,
            area_code=place.code,
            area_path=place.path,
            level=place.level,
            year=YEAR,
            name="第一监督组",
            created_by="rd-1",
            created_at=NOW,
            updated_at=NOW,
        )
    )
    session.flush()
    for n, subject in enumerate(members):
        role = "leader" if n == 0 else "deputy"
        session.add(
            GroupMember(group_id=group_id, subject=subject, position=n, name=f"代表{n}", role=role)
        )
    session.add_all(
        GroupProject(group_id=group_id, project_id=p, assigned_by="rd-1", assigned_at=NOW)
        for p in project_ids
    )
    session.commit()
    return group_id


PHOTO = {
    "file_name": "现场.jpg",
    "content_type": "image/jpeg",
    "size_bytes": 2048,
    "sha256": "a" * 64,
}
