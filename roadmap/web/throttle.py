"""A limit on how often something may be asked for, per key (an address, a client), in a sliding window.

Kept in the process: one web app serves a state, and a restart forgetting the counts only lets a few more
sign-in emails through.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from time import monotonic


class Throttle:
    """At most `limit` requests per key in any `seconds`; over it, the caller is told how long to wait."""

    def __init__(self, limit: int, seconds: float, clock: Callable[[], float] = monotonic) -> None:
        self._limit = limit
        self._seconds = seconds
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, key: str) -> int:
        """Count a request; 0 when it may go ahead, else the whole seconds until it may."""
        now = self._clock()
        with self._lock:
            times = self._seen.setdefault(key, deque())
            while times and times[0] <= now - self._seconds:
                times.popleft()
            if len(times) >= self._limit:
                return max(1, int(times[0] + self._seconds - now) + 1)
            times.append(now)
            if len(self._seen) > 10_000:
                # Keys seen once and long ago are dropped so the table cannot grow without bound.
                for stale in [k for k, v in self._seen.items() if not v or v[-1] <= now - self._seconds]:
                    del self._seen[stale]
            return 0
