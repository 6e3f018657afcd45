"""The broker dies (SIGKILL) and comes back while 2,000 proposals are being submitted: every
accepted proposal exists once, and its event is consumed exactly once (ARCHITECTURE §5).

The broker is a private RabbitMQ node started by this test on free ports (the machine's shared
node is never touched). Clients behave as the API asks them to: one Idempotency-Key per
proposal, the same key on every retry after a connection error, a 503 or another 5xx.
Nothing restarts the nameko processes: they must find the restarted broker by themselves.
"""

import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress

import pytest
import requests
from servicekit import testing

from tests.faults.support import proposal_body

TOTAL = 2000
CLIENTS = 16
KILL_AFTER = 400  # accepted proposals before the broker is killed
DOWN_SECONDS = 5
GIVE_UP_SECONDS = 120  # per proposal: then it counts as not accepted
SUBMIT_DEADLINE = 240  # for all of them: a platform that does not recover fails in bounded time
CONVERGE_SECONDS = 120


@pytest.mark.timeout(480)
def test_broker_kill_9_and_restart_under_load_loses_nothing_and_doubles_nothing(
    private_rabbit, fault_platform
):
    # private_rabbit first: pytest tears down in reverse, so the platform stops before the node.
    running = fault_platform(amqp_uri=private_rabbit.uri)
    tag = uuid.uuid4().hex[:6]
    areas = running.open_areas
    work = [
        (f"fault-{tag}-{index}", proposal_body(index, areas[index % len(areas)], f"broker-{tag}"))
        for index in range(TOTAL)
    ]
    url = f"{running.base_url}/api/v1/proposals"

    lock = threading.Lock()
    outcomes: Counter[str] = Counter()  # every HTTP answer or client error seen, retries included
    refused: list[str] = []  # answers that are neither success nor retryable: a test failure
    accepted_count = [0]
    broker_killed = threading.Event()
    timeline: dict[str, float] = {}
    local = threading.local()

    def note(outcome: str) -> None:
        with lock:
            outcomes[outcome] += 1

    def submit(item: tuple[str, dict]) -> str | None:
        key, body = item
        if not hasattr(local, "session"):
            local.session = requests.Session()
        deadline = min(time.monotonic() + GIVE_UP_SECONDS, started + SUBMIT_DEADLINE)
        pause = 0.2
        while time.monotonic() < deadline:
            try:
                response = local.session.post(
                    url, json=body, headers={"Idempotency-Key": key}, timeout=15
                )
            except requests.RequestException as exc:
                note(type(exc).__name__)
                local.session = requests.Session()
            else:
                note(str(response.status_code))
                if response.status_code == 201:
                    with lock:
                        accepted_count[0] += 1
                    return str(response.json()["id"])
                if response.status_code < 500:
                    with lock:
                        refused.append(f"{key}: {response.status_code} {response.text[:200]}")
                    return None
            time.sleep(pause)
            pause = min(pause * 2, 2.0)
        note("gave-up")
        return None

    started = time.monotonic()

    def chaos() -> None:
        testing.wait_until(lambda: accepted_count[0] >= KILL_AFTER, 300, 0.05, "accepted proposals")
        timeline["killed_at"] = time.monotonic()
        timeline["accepted_at_kill"] = accepted_count[0]
        private_rabbit.kill()
        broker_killed.set()
        time.sleep(DOWN_SECONDS)
        timeline["restarting_at"] = time.monotonic()
        private_rabbit.start()
        timeline["restarted_at"] = time.monotonic()

    chaos_thread = threading.Thread(target=chaos, daemon=True)
    chaos_thread.start()
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(submit, work))
    submitted_at = time.monotonic()
    chaos_thread.join(120)
    assert broker_killed.is_set() and "restarted_at" in timeline, "the broker was not restarted"

    accepted = {proposal_id for proposal_id in results if proposal_id}

    def converged() -> bool:
        return running.unsent() == 0 and len(set(running.effects())) >= len(accepted)

    with suppress(AssertionError):  # if it never converges, the figures below say what is missing
        testing.wait_until(converged, CONVERGE_SECONDS, 0.5, "every event consumed")
    time.sleep(2)  # room for a late redelivery to show up as a duplicate, if one could
    converged_at = time.monotonic()

    stored_rows = running.stored_proposals()
    stored = set(stored_rows)
    effect_rows = running.effects()
    effects = set(effect_rows)
    lost = accepted - effects
    duplicated = len(effect_rows) - len(effects)
    unsent = running.unsent()
    ready, consumers, dead = running.probe_queue()
    print(
        f"\n[broker-restart] submitted={TOTAL} accepted={len(accepted)} stored={len(stored_rows)} "
        f"effects={len(effect_rows)} distinct_effects={len(effects)} lost={len(lost)} "
        f"duplicated={duplicated} created_not_accepted={len(stored - accepted)} "
        f"unsent_outbox={unsent} queue_ready={ready} probe_consumers={consumers} "
        f"dead_lettered={dead}\n"
        f"[broker-restart] broker down {timeline['restarted_at'] - timeline['killed_at']:.1f}s "
        f"(killed after {timeline['accepted_at_kill']} accepted, "
        f"{timeline['killed_at'] - started:.1f}s in); all answered {submitted_at - started:.1f}s; "
        f"converged {converged_at - started:.1f}s; wall {time.monotonic() - started:.1f}s\n"
        f"[broker-restart] answers seen (retries included): {dict(sorted(outcomes.items()))}"
    )
    assert not refused, refused[:5]
    assert outcomes["500"] == 0, "a broker outage must read as 503 (retry later), never as 500"
    assert len(accepted) == TOTAL, f"{TOTAL - len(accepted)} proposals never accepted"
    assert not lost, f"{len(lost)} accepted proposals whose event was never consumed"
    assert duplicated == 0
    assert len(stored_rows) == len(stored)
    assert stored == accepted, (len(stored - accepted), len(accepted - stored))
    assert unsent == 0 and dead == 0
