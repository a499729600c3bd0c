"""A small thread-safe cache of answers that are fresh for a few seconds and then revalidated
with their ETag (``If-None-Match`` → ``304 Not Modified``), for release assignments and
knowledge records."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Generic, Hashable, Optional, Tuple, TypeVar

T = TypeVar("T")


class RevalidatingCache(Generic[T]):
    """Entries keyed by anything hashable, each with its ETag and when it was last confirmed.

    ``ttl`` seconds: how long an entry is served without asking Warden (0: always revalidate).
    ``max_entries``: least recently used entries are dropped beyond this.
    """

    def __init__(self, ttl: float, max_entries: int = 1024) -> None:
        self.ttl = ttl
        self._max = max_entries
        self._lock = threading.Lock()
        self._entries: "OrderedDict[Hashable, Tuple[T, Optional[str], float]]" = OrderedDict()

    def lookup(self, key: Hashable) -> Tuple[Optional[T], Optional[str], bool]:
        """``(value, etag, fresh)``; ``(None, None, False)`` when nothing is cached."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None, None, False
            self._entries.move_to_end(key)
            value, etag, confirmed = entry
            return value, etag, time.monotonic() - confirmed < self.ttl

    def store(self, key: Hashable, value: T, etag: Optional[str]) -> None:
        """Keeps (or re-confirms) ``value`` as of now."""
        with self._lock:
            self._entries[key] = (value, etag, time.monotonic())
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
