"""A limit on how often something may be asked for, per key (an address, a client), in a sliding window.

Kept in the process: one web app serves a state, and a restart forgetting the counts only lets a few more
sign-in emails through. The table is bounded: keys are kept in the order they were last used, so stale ones are
dropped from the front in constant time per request, and the oldest go first once it is full.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from time import monotonic

MAX_KEYS = 50_000


class Throttle:
    """At most `limit` requests per key in any `seconds`; over it, the caller is told how long to wait."""

    def __init__(self, limit: int, seconds: float, clock: Callable[[], float] = monotonic) -> None:
        self._limit = limit
        self._seconds = seconds
        self._clock = clock
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, key: str) -> int:
        """Count a request; 0 when it may go ahead, else the whole seconds until it may (a refusal is not counted)."""
        now = self._clock()
        with self._lock:
            self._forget(now)
            times = self._seen.pop(key, None) or deque()
            while times and times[0] <= now - self._seconds:
                times.popleft()
            self._seen[key] = times  # now the most recently used
            if len(times) >= self._limit:
                return max(1, int(times[0] + self._seconds - now) + 1)
            times.append(now)
            return 0

    def _forget(self, now: float) -> None:
        """Drop keys unused for a whole window (they are at the front), and the oldest beyond MAX_KEYS."""
        while self._seen:
            key, times = next(iter(self._seen.items()))
            if len(self._seen) <= MAX_KEYS and times and times[-1] > now - self._seconds:
                break
            del self._seen[key]
