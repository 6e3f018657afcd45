"""gateway.kdf: the KDF runs on OS threads, a few at a time, and too many waiting logins are
answered at once (503, Retry-After) instead of taking every worker of the gateway."""

import threading
import time

import eventlet
import pytest
from contracts import errors as codes
from gateway.kdf import KdfBusy, KdfGate

real_sleep = eventlet.patcher.original("time").sleep


def slow(seconds):
    real_sleep(seconds)  # blocks its thread, as scrypt does
    return threading.get_ident()


def test_a_job_runs_off_the_hub_while_the_hub_keeps_running():
    gate = KdfGate(threads=1, queue=0)
    ticks = []

    def tick():
        for _ in range(10):
            ticks.append(time.monotonic())
            eventlet.sleep(0.01)

    ticker = eventlet.spawn(tick)
    thread = gate.run(slow, 0.2)
    ticker.wait()
    assert thread != threading.get_ident()
    assert len(ticks) == 10 and ticks[-1] - ticks[0] < 0.19  # ticked during the job


def test_at_most_threads_jobs_run_at_once():
    gate = KdfGate(threads=2, queue=10)
    started = time.monotonic()
    pool = eventlet.GreenPool()
    list(pool.imap(lambda _: gate.run(slow, 0.1), range(4)))
    assert 0.19 < time.monotonic() - started < 0.35  # two rounds of two


def test_beyond_the_queue_a_login_is_refused_at_once_with_retry_after():
    gate = KdfGate(threads=1, queue=1)
    running = eventlet.spawn(gate.run, slow, 0.2)
    waiting = eventlet.spawn(gate.run, slow, 0.01)
    eventlet.sleep(0.02)
    started = time.monotonic()
    with pytest.raises(KdfBusy) as busy:
        gate.run(slow, 0.01)
    assert time.monotonic() - started < 0.05
    assert busy.value.status == 503 and busy.value.code == codes.TOO_BUSY
    # two jobs in hand at the first guess of 0.5 s each: done in 1 s
    assert busy.value.details == {"retry_after": 1}
    running.wait(), waiting.wait()
    gate.run(slow, 0.01)  # free again


def test_a_failing_job_frees_its_thread():
    gate = KdfGate(threads=1, queue=0)

    def fails():
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        gate.run(fails)
    assert gate.run(slow, 0.0)


def test_retry_after_is_the_time_the_jobs_in_hand_need_at_the_measured_pace():
    gate = KdfGate(threads=2, queue=10)
    for _ in range(30):
        gate.run(slow, 0.05)
    assert 0.04 < gate.seconds < 0.1
    gate.waiting = 40  # as if 40 logins waited
    assert gate.retry_after() == pytest.approx(42 * gate.seconds / 2, abs=1)
