"""A suggestion of groups for an area's year (nothing is stored: staff form the groups they
keep through create_group)."""

from typing import Any

from contracts import supervision_groups as contract
from contracts.reference import CATEGORIES
from servicekit import areas
from servicekit.auth import Guard
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import roles
from ..db import groups as db
from ..domain.suggestion import Person, ProjectCard, Proposal, suggest


def suggest_groups(session: Session, guard: Guard, data: dict[str, Any]) -> dict[str, Any]:
    guard.require(roles.STAFF, data["area_code"])
    place = areas.require(data["area_code"])
    projects = [
        ProjectCard(p.id, p.title, p.category)
        for p in db.projects_of_area(session, place.path, data["year"])
    ]
    deputies = [Person(d["subject"], d["name"], d.get("specialty")) for d in data["deputies"]]
    leaders = [Person(d["subject"], d["name"]) for d in data["leaders"]]
    found = suggest(projects, deputies, leaders, data.get("group_count"), CATEGORIES)
    return dump(
        contract.Suggestion,
        {
            "area_code": place.code,
            "year": data["year"],
            "groups": [_group(g) for g in found.groups],
            "unmatched_deputies": found.unmatched_deputies,
            "notes": found.notes,
        },
    )


def _group(group: Proposal) -> dict[str, Any]:
    leader = {"subject": group.leader.subject, "name": group.leader.name, "role": "leader"}
    return {
        "name": group.name,
        "members": [
            {**leader, "specialty": None},
            *(
                {"subject": d.subject, "name": d.name, "role": "deputy", "specialty": d.specialty}
                for d in group.deputies
            ),
        ],
        "projects": [
            {
                "project_id": a.project.project_id,
                "title": a.project.title,
                "category": a.project.category,
                "score": a.score,
                "why": a.why,
            }
            for a in group.projects
        ],
    }
