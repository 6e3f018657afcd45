"""The retry schedule (servicekit.retry): which attempt comes next, after which delay, and
when a delivery is dead."""

import pytest
from servicekit import retry

SCHEDULE = (1.0, 5.0, 30.0, 120.0)


@pytest.mark.parametrize(
    ("attempt", "next_attempt", "delay"),
    [(None, 2, 1.0), (1, 2, 1.0), (2, 3, 5.0), (3, 4, 30.0), (4, 5, 120.0)],
)
def test_each_failed_attempt_waits_longer(attempt, next_attempt, delay):
    headers = {} if attempt is None else {retry.ATTEMPT: attempt}
    step = retry.next_step(headers, SCHEDULE)
    assert (step.attempt, step.delay, step.dead) == (next_attempt, delay, False)


def test_after_the_last_delay_the_delivery_is_dead():
    step = retry.next_step({retry.ATTEMPT: 5}, SCHEDULE)
    assert step.dead and step.attempt == 6


def test_a_forged_attempt_header_counts_as_a_first_attempt():
    assert retry.next_step({retry.ATTEMPT: "lots"}, SCHEDULE).attempt == 2
    assert retry.next_step({retry.ATTEMPT: -7}, SCHEDULE).attempt == 2


def test_delays_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("EVENT_RETRY_DELAYS", "0.5, 2")
    assert retry.delays() == (0.5, 2.0)
    monkeypatch.delenv("EVENT_RETRY_DELAYS")
    assert retry.delays() == retry.DEFAULT_DELAYS
    assert sum(retry.DEFAULT_DELAYS) >= 120  # a database outage of minutes is ridden out


@pytest.mark.parametrize("text", ["0,1", "-1", "abc", " , "])
def test_bad_delays_are_refused(monkeypatch, text):
    monkeypatch.setenv("EVENT_RETRY_DELAYS", text)
    with pytest.raises(ValueError):
        retry.delays()


def test_each_delay_is_its_own_queue_named_by_its_length():
    queue = retry.delay_queue(5)
    assert queue.name == "minsheng.retry.5000ms"
    assert queue.queue_arguments["x-message-ttl"] == 5000
    assert queue.queue_arguments["x-dead-letter-exchange"] == ""  # back by queue name


def test_error_text_is_bounded():
    assert len(retry.error_text(RuntimeError("x" * 5000))) == retry.MAX_ERROR_CHARS
