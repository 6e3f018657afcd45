"""Petition's events on the real broker, with petition and collection in-process and both
databases on PostgreSQL and on SQLite: a deputy converts a matter, petition's relay publishes
`matter_converted_to_proposal_v1` and collection makes one proposal of it — delivered again,
and published again under a new event id, it is still one; collection's answer
(`proposal_screened_v1`) redelivered and republished is recorded on the matter once, and its
tracking page says what became of it."""

import json

import pytest
from collection.db.models import Proposal
from collection.service import CollectionService
from contracts.events import MATTER_CONVERTED_TO_PROPOSAL, PROPOSAL_SCREENED, SUBSCRIPTIONS
from kombu import Connection
from nameko.containers import ServiceContainer
from petition.db.matters import MatterProposal, MatterStep
from petition.service import PetitionService
from servicekit import topology
from servicekit.consumer import PROCESSED
from servicekit.db import make_engine
from servicekit.outbox import build_envelope
from servicekit.relay import OUTBOX
from servicekit.testing import wait_until
from sqlalchemy import func, select

from tests.support import petition as p
from tests.support.events import publish
from tests.support.factories import migrated_engine
from tests.support.workers import migrated_sessions

pytestmark = pytest.mark.integration

WIRED = [s for s in SUBSCRIPTIONS if s.consumer in ("petition", "collection")]
WIRED += [s for s in SUBSCRIPTIONS if s.event.source in ("petition", "collection")]


@pytest.fixture(params=["postgresql", "sqlite"])
def urls(request, tmp_path):
    if request.param == "sqlite":
        return {name: f"sqlite:///{tmp_path / f'{name}.db'}" for name in ("petition", "collection")}
    pg = request.getfixturevalue("pg")
    return {name: pg.create(name) for name in ("petition", "collection")}


@pytest.fixture
def running(urls, tmp_path, amqp_uri, monkeypatch):
    for name, url in urls.items():
        migrated_engine(name, url).dispose()
        monkeypatch.setenv(f"{name.upper()}_DATABASE_URL", url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    purge(amqp_uri, declare=True)
    engines = {name: make_engine(url) for name, url in urls.items()}
    containers = [
        ServiceContainer(cls, {"AMQP_URI": amqp_uri})
        for cls in (PetitionService, CollectionService)
    ]
    for container in containers:
        container.start()
    yield engines
    for container in containers:
        container.stop()
    purge(amqp_uri)  # a copy still in flight must not reach the next test's consumers
    for engine in engines.values():
        engine.dispose()


def purge(amqp_uri: str, declare: bool = False) -> None:
    with Connection(amqp_uri, connect_timeout=5) as connection:
        if declare:
            topology.declare(connection, WIRED)
        for subscription in WIRED:
            topology.queue_for(subscription)(connection.default_channel).purge()


def count(engine, what, *where) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(what).where(*where)))


def processed_by(engine, handler: str) -> int:
    return count(engine, PROCESSED, PROCESSED.c.handler == handler)


def test_a_conversion_makes_one_proposal_and_the_answer_reaches_the_matter_once(
    running, urls, tmp_path, amqp_uri
):
    petition, collection = running["petition"], running["collection"]
    with migrated_sessions("petition", tmp_path, {"petition": urls["petition"]}) as sessions:
        world = p.build(sessions)
        matter = p.converted(world)
        code = world.worker(p.WANG).get_matter(matter)["tracking_code"]

    of_matter = Proposal.source_matter_id == matter
    wait_until(lambda: count(collection, Proposal, of_matter) == 1, 30, what="the proposal")
    with petition.connect() as conn:
        (sent,) = conn.scalars(
            select(OUTBOX.c.envelope).where(
                OUTBOX.c.event_type == MATTER_CONVERTED_TO_PROPOSAL.name
            )
        )
    first = json.loads(sent)
    again = build_envelope(
        MATTER_CONVERTED_TO_PROPOSAL, first["payload"], area_code=first["area_code"],
        level=first["level"], correlation_id="republished",
    )  # fmt: skip
    publish(amqp_uri, MATTER_CONVERTED_TO_PROPOSAL, first, first, again)
    converted = "collection.handle_petition_matter_converted_to_proposal"
    wait_until(lambda: processed_by(collection, converted) == 2, 30, what="both event ids")
    assert count(collection, Proposal, of_matter) == 1

    answer = p.screened(matter, "rejected")
    republished = p.screened(matter, "rejected")  # the same answer under a new event id
    publish(amqp_uri, PROPOSAL_SCREENED, answer, answer, republished)
    handler = "petition.handle_collection_proposal_screened"
    wait_until(lambda: processed_by(petition, handler) == 2, 30, what="the answers")
    with petition.connect() as conn:
        fate = conn.execute(select(MatterProposal).where(MatterProposal.matter_id == matter)).one()
    assert (fate.verdict, fate.reason) == ("rejected", "已列入明年市政道路改造计划")
    assert (
        count(petition, MatterStep, MatterStep.matter_id == matter, MatterStep.action == "screened")
        == 1
    )
    with migrated_sessions("petition", tmp_path, {"petition": urls["petition"]}) as sessions:
        page = p.World(sessions, {}, {}).worker().track_matter(code)
    assert page["proposal"]["verdict_name"] == "暂未列入民生实事项目"
