"""Builders for the screening tests: proposals written as rows (not through intake, so these
tests do not depend on the intake rules), a worker per principal, and counts taken the way a
worker's teardown leaves the session."""

import json
import uuid
from datetime import timedelta
from typing import Any

from collection.db.models import DraftList, DraftListVersion, Notice, Proposal
from collection.domain.intake import new_tracking_code
from servicekit import migrate
from servicekit.auth import Principal
from servicekit.clock import utcnow
from servicekit.db import make_engine
from servicekit.relay import OUTBOX
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.collection_worker import collection_worker

TOWNSHIP, TOWNSHIP_PATH = "150602001", "/150600/150602/150602001/"
GOV = Principal("gov-1", ("government_staff",), "150602")
GOV2 = Principal("gov-2", ("government_staff",), "150602001")
ADMIN = Principal("admin-1", ("admin",), "150600")
OTHER_BANNER = Principal("gov-9", ("government_staff",), "150622")
DEPUTY = Principal("dep-1", ("deputy",), "150602")
CONGRESS = Principal("cs-1", ("congress_staff",), "150602")
SUPERVISOR = Principal("sup-1", ("supervisor",), "150602")
YES = {"public_benefit": 5, "inclusive": 4, "urgency": 4, "assessable": 3, "verdict": "in_library"}
NO = {**YES, "verdict": "rejected", "reason": "该路段已列入明年市政道路改造计划"}
MORE = {**YES, "verdict": "needs_info", "reason": "请补充具体位置和受益户数"}
SCOPE = {"area_code": TOWNSHIP, "year": 2027}


def migrated_session(tmp_path: Any) -> Session:
    url = f"sqlite:///{tmp_path}/collection.db"
    migrate.upgrade("collection", url)
    session = Session(make_engine(url), expire_on_commit=False)
    session.add(notice_row())
    session.commit()
    return session


def notice_id(area_code, year=2027):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"notice/{area_code}/{year}"))


def notice_row(area_code=TOWNSHIP, path=TOWNSHIP_PATH, year=2027):
    now = utcnow()
    return Notice(
        id=notice_id(area_code, year),
        area_code=area_code,
        area_path=path,
        level="township" if len(area_code) == 9 else "banner",
        year=year,
        title="征集",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        created_by="u-0",
        created_at=now,
    )


def add_proposal(
    session, title="林荫街道停车位改造", area_code=TOWNSHIP, path=TOWNSHIP_PATH, **extra
):
    if session.get(Notice, notice_id(area_code)) is None:
        session.add(notice_row(area_code, path))
    proposal = Proposal(
        tracking_code=new_tracking_code("township"),
        notice_id=notice_id(area_code),
        area_code=area_code,
        area_path=path,
        level="township" if len(area_code) == 9 else "banner",
        channel="online",
        title=title,
        description="小区停车难，希望新增停车位。",
        category="交通出行",
        location_text="林荫街道",
        estimated_cost_fen=12_000_000,
        beneficiaries=800,
        submitter_name="张三",
        submitter_phone="13800001111",
        submitted_at=utcnow(),
        **{"status": "submitted", **extra},
    )
    session.add(proposal)
    session.commit()
    return proposal.id


def service(session, principal=GOV):
    return collection_worker(session, principal, request_id="req-screening-test")


def count(session, what, *where):
    session.rollback()  # what a worker's teardown does after a refused call
    return session.scalar(select(func.count()).select_from(what).where(*where))


def status_of(session, proposal_id):
    session.rollback()
    return session.get(Proposal, proposal_id, populate_existing=True).status


def put_on_draft_list(session, proposal_id):
    now = utcnow()
    session.add(
        DraftList(
            id="dl-1",
            area_code=TOWNSHIP,
            area_path=TOWNSHIP_PATH,
            level="township",
            year=2027,
            title="2027年草拟清单",
            rounds_planned=3,
            status="drafting",
            created_by="gov-1",
            created_at=now,
        )
    )
    session.flush()
    session.add(
        DraftListVersion(
            draft_list_id="dl-1",
            number=0,
            items=json.dumps([{"proposal_id": proposal_id}]),
            content_hash="0" * 64,
            created_by="gov-1",
            created_at=now,
        )
    )
    session.commit()


def outbox_envelopes(session):
    return list(session.scalars(select(OUTBOX.c.envelope).order_by(OUTBOX.c.created_at)))
