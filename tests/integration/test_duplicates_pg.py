"""Duplicate suggestions and merges on SQLite and PostgreSQL: the signature query (an area's
most shared bigrams first, area and self excluded), and a merge that keeps every supporter and
channel and leaves the index with live proposals only."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from collection.db import duplicates as index
from collection.db.models import Notice, Proposal
from collection.storage import UrlAttachmentStore
from collection.use_cases import duplicates, intake, merging
from contracts import rpc as contract
from servicekit.auth import Guard, Principal
from servicekit.outbox import OutboxWriter
from servicekit.relay import OUTBOX
from servicekit.validation import load
from sqlalchemy import select, update
from sqlalchemy.orm import Session

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 15, 2, 0, tzinfo=UTC)
ADMIN = Guard(Principal("admin-1", ("admin",), "150600"), "collection", "all")
STORE = UrlAttachmentStore("file:///srv/att")
SQUARE = ("林荫街道广场修缮", "广场地砖破损严重，老人晨练容易摔倒，希望尽快修缮。")


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as session:
        for area_code in ("150602001", "150602010"):
            session.add(
                Notice(
                    area_code=area_code,
                    area_path=f"/150600/150602/{area_code}/",
                    level="township",
                    year=2027,
                    title="征集",
                    body="",
                    opens_at=NOW - timedelta(days=1),
                    closes_at=NOW + timedelta(days=30),
                    created_by="u-0",
                    created_at=NOW,
                )
            )
        session.commit()
        yield session


def submit(session: Session, title: str, description: str, **extra: Any) -> dict[str, Any]:
    raw = {
        "title": title,
        "description": description,
        "category": "基础设施",
        "area_code": "150602001",
        "location": {"text": "林荫街道"},
        "channel": "letter",
        **extra,
    }
    data = load(contract.ProposalSubmit, raw)
    outbox = OutboxWriter(OUTBOX, "corr")
    return intake.submit_proposal(session, outbox, ADMIN, data, raw, None, NOW, STORE)


class TestSignatures:
    def test_the_areas_live_proposals_of_the_year_without_the_asker(self, session):
        exact = submit(session, *SQUARE)
        close = submit(session, "修缮林荫街道的广场", "广场地砖破损，请修缮。")
        elsewhere = submit(session, *SQUARE, area_code="150602010")
        query = submit(session, *SQUARE)
        rows = index.signatures(session, "150602001", 2027, query["id"])
        assert {row.id for row in rows} == {exact["id"], close["id"]}
        assert all(row.shingles for row in rows)
        assert index.signatures(session, "150602001", 2026, query["id"]) == []
        other_area = index.signatures(session, "150602010", None, "x")
        assert [row.id for row in other_area] == [elsewhere["id"]]

    def test_proposals_stored_before_signatures_are_compared_too(self, session):
        older = submit(session, *SQUARE)
        session.execute(update(Proposal).values(shingles=None))
        session.commit()
        query = submit(session, "修缮林荫街道广场", "广场地砖破损，老人晨练易摔倒。")
        assert [d["id"] for d in query["possible_duplicates"]] == [older["id"]]

    def test_suggestions_rank_real_duplicates_and_skip_unrelated(self, session):
        exact = submit(session, *SQUARE)
        submit(session, "小学增建食堂", "学生午餐无处就餐，希望学校增建食堂。")
        query = submit(session, "修缮林荫街道广场", "广场地砖破损，老人晨练易摔倒。")
        found = [d["id"] for d in query["possible_duplicates"]]
        assert found == [exact["id"]]


class TestMerge:
    def test_keeps_supporters_channels_and_cleans_the_index(self, session):
        deputy = submit(
            session,
            *SQUARE,
            channel="deputy",
            deputy_name="李代表",
            liaison_station="联络站",
            supporters=[{"name": "王某", "suggestion": "支持"}],
        )
        hotline = submit(session, *SQUARE, channel="hotline", submitter_name="刘某")
        dept = submit(session, *SQUARE, channel="department", department_name="住建局")
        data = load(
            contract.MergeRequest,
            {"target_id": deputy["id"], "source_ids": [hotline["id"], dept["id"]]},
        )
        merged = merging.merge_proposals(session, ADMIN, data, NOW)
        assert merged["channels"][0] == "deputy"  # its own first, then its sources'
        assert sorted(merged["channels"]) == ["department", "deputy", "hotline"]
        assert {s["name"] for s in merged["supporters"]} == {"王某", "刘某", None}
        statuses = dict(session.execute(select(Proposal.id, Proposal.status)).all())
        assert statuses[hotline["id"]] == statuses[dept["id"]] == "merged"
        assert (
            duplicates.possible_duplicates(  # indexes what waits first: the merged ones only
                session,  # marked, so the index holds the live proposal alone
                {"id": "x", "area_code": "150602001", "title": SQUARE[0], "description": ""},
            )[0]["id"]
            == deputy["id"]
        )
