"""Fault-tier helpers: a platform of real processes (collection workers, gateway, the probe
consumer) on PostgreSQL, plus the figures every fault test asserts on, read from the databases
(ARCHITECTURE §5: figures come from the owning service's database, never from counting messages).
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

import requests
from kombu import Connection
from servicekit import testing, topology
from sqlalchemy import create_engine, text

from tests.support.probe.service import SUBSCRIPTION

LEVELS = ("city", "banner", "township")
# Open for proposals in the demo data (scripts.demo_data keeps two sumu closed / upcoming).
CANDIDATE_AREAS = ("150602001", "150622100", "150602", "150622", "150603", "150600")


def proposal_body(index: int, area_code: str, tag: str) -> dict[str, Any]:
    return {
        "title": f"故障测试建议 {tag} {index}",
        "description": "故障注入测试提交的民生实事建议，用于核对不丢不重。",
        "category": "基础设施",
        "area_code": area_code,
        "location": {"text": "故障测试地点"},
        "estimated_cost_fen": 1_000_000 + index,
    }


@dataclass
class FaultPlatform:
    platform: testing.Platform
    amqp_uri: str
    env: dict[str, str]
    open_areas: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.platform.base_url

    # ---- the databases -----------------------------------------------------------------------
    def query(self, service: str, sql: str) -> list[Any]:
        engine = create_engine(self.env[f"{service.upper()}_DATABASE_URL"])
        try:
            with engine.connect() as conn:
                return list(conn.execute(text(sql)))
        finally:
            engine.dispose()

    def stored_proposals(self) -> list[str]:
        return [row[0] for row in self.query("collection", "SELECT id FROM proposals")]

    def outbox(self) -> list[Any]:
        return self.query(
            "collection", "SELECT event_id, envelope, claimed_by, sent_at FROM outbox ORDER BY seq"
        )

    def effects(self) -> list[str]:
        """Proposal ids of every effect row the probe applied (duplicates kept, to be counted)."""
        return [row[0] for row in self.query("probe", "SELECT proposal_id FROM effects")]

    def unsent(self) -> int:
        return int(
            self.query("collection", "SELECT count(*) FROM outbox WHERE sent_at IS NULL")[0][0]
        )

    # ---- the broker --------------------------------------------------------------------------
    def probe_queue(self) -> tuple[int, int, int]:
        """(ready messages, consumers, dead-lettered messages) of the probe's subscription."""
        with Connection(self.amqp_uri, connect_timeout=5) as connection:
            channel = connection.default_channel
            _, ready, consumers = channel.queue_declare(queue=SUBSCRIPTION.queue, passive=True)
            dead = topology.dead_letter_depth(connection, SUBSCRIPTION)
        return int(ready), int(consumers), dead

    # ---- HTTP ----------------------------------------------------------------------------------
    def submit(
        self, body: dict[str, Any], key: str | None = None, timeout: float = 15
    ) -> requests.Response:
        return requests.post(
            f"{self.base_url}/api/v1/proposals",
            json=body,
            headers={"Idempotency-Key": key or uuid.uuid4().hex},
            timeout=timeout,
        )


def declare_probe_queue(amqp_uri: str) -> None:
    """Deploy-time declaration (ARCHITECTURE §5): the probe's queue exists before any publish."""
    with Connection(amqp_uri, connect_timeout=5) as connection:
        connection.ensure_connection(max_retries=3)
        topology.declare_exchanges(connection, [SUBSCRIPTION.event.source])
        topology.declare(connection, [SUBSCRIPTION])


def open_areas(base_url: str) -> list[str]:
    found = []
    for code in CANDIDATE_AREAS:
        items = requests.get(
            f"{base_url}/api/v1/notices", params={"area_code": code}, timeout=15
        ).json()["items"]
        if any(item["status"] == "open" for item in items):
            found.append(code)
    return found
