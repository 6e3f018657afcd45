"""Queries for what a session is built from: voting rules, rosters, received candidate lists."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import CandidateList, Deputy, Roster, RulesVersion


def rules_versions(session: Session, area_code: str) -> list[RulesVersion]:
    return list(
        session.scalars(
            select(RulesVersion)
            .where(RulesVersion.area_code == area_code)
            .order_by(RulesVersion.version.desc())
        )
    )


def rules_version(session: Session, area_code: str, version: int | None) -> RulesVersion | None:
    query = select(RulesVersion).where(RulesVersion.area_code == area_code)
    if version is None:
        query = query.order_by(RulesVersion.version.desc()).limit(1)
    else:
        query = query.where(RulesVersion.version == version)
    return session.scalars(query).first()


def next_version(session: Session, model: type[RulesVersion] | type[Roster], area_code: str) -> int:
    latest = session.scalar(select(func.max(model.version)).where(model.area_code == area_code))
    return (latest or 0) + 1


def roster(session: Session, roster_id: str) -> Roster | None:
    return session.get(Roster, roster_id)


def latest_roster(session: Session, area_code: str) -> Roster | None:
    return session.scalars(
        select(Roster).where(Roster.area_code == area_code).order_by(Roster.version.desc()).limit(1)
    ).first()


def deputies(session: Session, roster_id: str) -> list[Deputy]:
    return list(
        session.scalars(select(Deputy).where(Deputy.roster_id == roster_id).order_by(Deputy.number))
    )


def deputy(session: Session, roster_id: str, number: str) -> Deputy | None:
    return session.get(Deputy, (roster_id, number))


def deputy_by_username(session: Session, roster_id: str, username: str) -> Deputy | None:
    return session.scalars(
        select(Deputy).where(Deputy.roster_id == roster_id, Deputy.username == username)
    ).first()


def delegation_names(session: Session, roster_id: str) -> list[str]:
    return list(
        session.scalars(
            select(Deputy.delegation)
            .where(Deputy.roster_id == roster_id)
            .group_by(Deputy.delegation)
            .order_by(Deputy.delegation)
        )
    )


def delegation_counts(session: Session, roster_id: str) -> list[tuple[str, int]]:
    rows = session.execute(
        select(Deputy.delegation, func.count())
        .where(Deputy.roster_id == roster_id)
        .group_by(Deputy.delegation)
        .order_by(Deputy.delegation)
    )
    return [(name, count) for name, count in rows]


def candidate_list(session: Session, candidate_list_id: str) -> CandidateList | None:
    return session.get(CandidateList, candidate_list_id)
