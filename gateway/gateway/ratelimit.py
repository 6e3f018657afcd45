"""Per-client rate limits: a fixed window per key, in this gateway process.

Each gateway replica limits on its own; with N replicas behind a balancer a client gets at
most N times the limit, which is acceptable for abuse control on public routes.
"""

import math
import time
from collections import OrderedDict
from collections.abc import Callable

from servicekit.config import RateLimit
from servicekit.errors import RateLimited

MAX_TRACKED_KEYS = 100_000


class WindowLimiter:
    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.clock = clock
        self.windows: OrderedDict[str, tuple[float, int]] = OrderedDict()

    def _window(self, key: str, now: float) -> tuple[float, int]:
        start, count = self.windows.get(key, (now, 0))
        return (now, 0) if now - start >= self.limit.per_seconds else (start, count)

    def wait_for(self, key: str) -> int:
        """Seconds until `key` may call again; 0 when it may call now. Counts nothing."""
        now = self.clock()
        start, count = self._window(key, now)
        if count < self.limit.requests:
            return 0
        return max(1, math.ceil(start + self.limit.per_seconds - now))

    def hit(self, key: str) -> None:
        now = self.clock()
        start, count = self._window(key, now)
        self.windows[key] = (start, count + 1)
        self.windows.move_to_end(key)
        if len(self.windows) > MAX_TRACKED_KEYS:
            self.windows.popitem(last=False)

    def refuse_if_over(self, key: str) -> None:
        wait = self.wait_for(key)
        if wait:
            raise RateLimited(
                f"请求过于频繁，请 {wait} 秒后再试 (rate limited; retry in {wait}s)",
                {"retry_after": wait},
            )

    def check(self, key: str) -> None:
        """Refuse when over the limit, otherwise count this call."""
        self.refuse_if_over(key)
        self.hit(key)

    def forget(self, key: str) -> None:
        self.windows.pop(key, None)
