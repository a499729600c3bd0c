"""Stopping a wait from another thread (or from a cancelled asyncio task)."""

from __future__ import annotations

import threading
import time
from typing import Optional

from .errors import WaitCancelled


class Cancellation:
    """Any of several ``threading.Event`` objects being set means: stop waiting."""

    def __init__(self, *events: Optional[threading.Event]) -> None:
        self._events = [e for e in events if e is not None]

    def is_set(self) -> bool:
        return any(e.is_set() for e in self._events)

    def check(self, action_id: Optional[str] = None) -> None:
        if self.is_set():
            raise WaitCancelled(action_id)

    def sleep(self, seconds: float, action_id: Optional[str] = None) -> None:
        """Sleeps, or raises :class:`WaitCancelled` as soon as an event is set."""
        end = time.monotonic() + max(0.0, seconds)
        if not self._events:
            time.sleep(max(0.0, seconds))
            return
        while True:
            self.check(action_id)
            left = end - time.monotonic()
            if left <= 0:
                return
            # One event can be waited on directly; several are checked every 50 ms.
            self._events[0].wait(left if len(self._events) == 1 else min(left, 0.05))
