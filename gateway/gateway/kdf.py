"""The password KDF off the eventlet hub, a few at a time.

scrypt at OWASP's cost takes ~0.45 s of CPU and 128 MiB. Run on the hub, as before, every
login stopped every other request for that long (~18 logins a second starved the gateway).
Each job now runs on an OS thread (eventlet.tpool; hashlib releases the GIL while it hashes),
at most `threads` at once (the memory, and there is no more CPU than that), and at most `queue`
logins wait for a thread (32: ~16 s of work on one thread): one beyond that is answered 503 at
once, with a Retry-After of the time the queue needs to drain — a constant 1 s brought all of
them back every second, and those bursts of refusals cost other routes their p99. A waiting
login holds one of the gateway's workers (GATEWAY_MAX_WORKERS, 128) but no database
connection, so logins never hold more than threads + queue (1 + 32 on 2 cores) of them and
every other route keeps the rest.
"""

import math
import time
from collections.abc import Callable
from typing import TypeVar

from contracts import errors as codes
from eventlet import tpool
from eventlet.semaphore import Semaphore
from servicekit.errors import ServiceError

T = TypeVar("T")
FIRST_GUESS = 0.5  # seconds a job takes (scrypt at OWASP's cost here), until one is measured


class KdfBusy(ServiceError):
    code = codes.TOO_BUSY


class KdfGate:
    def __init__(self, threads: int, queue: int):
        self.threads = max(1, threads)
        self.slots = Semaphore(self.threads)
        self.queue = max(0, queue)
        self.waiting = 0
        self.seconds = FIRST_GUESS  # a moving average of what one job takes

    def retry_after(self) -> int:
        """Seconds until the jobs in hand are done, at the pace measured so far."""
        in_hand = self.waiting + self.threads
        return max(1, math.ceil(in_hand * self.seconds / self.threads))

    def run(self, job: Callable[..., T], *args: object) -> T:
        """`job(*args)` on an OS thread once one is free; KdfBusy when too many wait."""
        if self.slots.locked() and self.waiting >= self.queue:
            wait = self.retry_after()
            raise KdfBusy(
                f"登录繁忙，请 {wait} 秒后再试 (too many logins at once; retry in {wait}s)",
                {"retry_after": wait},
            )
        self.waiting += 1
        try:
            self.slots.acquire()
        finally:
            self.waiting -= 1
        started = time.monotonic()
        try:
            return tpool.execute(job, *args)  # type: ignore[no-any-return]  # untyped eventlet
        finally:
            self.slots.release()
            self.seconds = 0.8 * self.seconds + 0.2 * (time.monotonic() - started)
