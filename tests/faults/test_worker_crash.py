"""A collection worker dies (kill -9) after committing proposals and their outbox rows but before
its relay published them: the restarted worker publishes every event once the dead relay's lease
on the rows ends, and the probe consumes each exactly once (ARCHITECTURE §5).

"After commit, before publish" is made deterministic with the relay's test-only pause
(OUTBOX_RELAY_PAUSED=1): the worker commits, its relay polls but publishes nothing.
"""

import json
import time
import uuid
from collections import Counter

from servicekit import testing

from tests.faults.support import proposal_body

PROPOSALS = 30


def test_events_committed_before_a_kill_9_are_published_once_after_restart(fault_platform):
    started = time.monotonic()
    running = fault_platform(relay_paused=True)
    platform = running.platform
    tag = uuid.uuid4().hex[:6]

    accepted = []
    for index in range(PROPOSALS):
        area = running.open_areas[index % len(running.open_areas)]
        response = running.submit(proposal_body(index, area, f"crash-{tag}"))
        assert response.status_code == 201, response.text
        accepted.append(response.json()["id"])

    # Committed: every proposal and its event row are in the collection database, none sent,
    # each leased (from its insert) to a relay of the process that is about to die.
    worker = platform.processes["collection-all"]
    assert sorted(running.stored_proposals()) == sorted(accepted)
    rows = running.outbox()
    assert len(rows) == PROPOSALS
    assert all(row.sent_at is None for row in rows)
    assert all(row.claimed_by and f":{worker.pid}:" in row.claimed_by for row in rows)
    assert sorted(json.loads(row.envelope)["payload"]["proposal_id"] for row in rows) == sorted(
        accepted
    )
    time.sleep(1.5)  # three relay polls: still nothing published, nothing consumed
    assert running.effects() == []
    assert running.probe_queue()[0] == 0

    platform.stop("collection-all", kill=True)  # SIGKILL: no graceful stop, no last publish
    assert worker.returncode == -9

    platform.start_worker("all")  # the same worker, relay no longer paused
    testing.wait_until(
        lambda: len(running.effects()) >= PROPOSALS, 60, 0.2, "the probe consuming every event"
    )
    testing.wait_until(lambda: running.unsent() == 0, 30, 0.2, "every outbox row marked sent")
    time.sleep(2)  # room for a late duplicate delivery to show up, if there were one

    effects = running.effects()
    duplicated = {pid: n for pid, n in Counter(effects).items() if n > 1}
    missing = set(accepted) - set(effects)
    unexpected = set(effects) - set(accepted)
    ready, _consumers, dead = running.probe_queue()
    print(
        f"\n[worker-crash] proposals={PROPOSALS} effects={len(effects)} "
        f"distinct={len(set(effects))} "
        f"missing={len(missing)} duplicated={len(duplicated)} unexpected={len(unexpected)} "
        f"queue_ready={ready} dead_lettered={dead} wall={time.monotonic() - started:.1f}s"
    )
    assert not missing
    assert not duplicated
    assert not unexpected
    assert len(effects) == PROPOSALS
    assert dead == 0 and ready == 0
    assert sorted(running.stored_proposals()) == sorted(accepted)  # nothing created twice
