"""A value built for one index version and rebuilt in the background when the version changes.

The first call builds it (nothing to serve before); after a re-index one thread rebuilds it while every
request, the one that noticed included, keeps the previous value until the new one is swapped in."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

S = TypeVar("S")
T = TypeVar("T")
log = logging.getLogger("draftdesk.reloading")


class Reloading(Generic[S, T]):
    def __init__(self, build: Callable[[S], T], what: str) -> None:
        self._build = build
        self._what = what
        self._lock = threading.Lock()
        self._current: tuple[Hashable, T] | None = None
        self._building = False

    def current(self) -> T | None:
        return self._current[1] if self._current is not None else None

    def get(self, version: Hashable, source: S) -> T:
        """The value for `version`, or, while it is being rebuilt, the previous one."""
        current = self._current
        if current is None:
            with self._lock:
                if self._current is None:
                    self._current = (version, self._build(source))
                return self._current[1]
        if current[0] != version and not self._building and self._lock.acquire(blocking=False):
            try:
                if not self._building:
                    self._building = True
                    threading.Thread(target=self._swap_in, args=(version, source), daemon=True).start()
            finally:
                self._lock.release()
        return current[1]

    def _swap_in(self, version: Hashable, source: S) -> None:
        try:
            self._current = (version, self._build(source))
        except Exception:  # the previous value keeps serving; the next call tries again
            log.exception("could not rebuild the %s for version %s", self._what, version)
        finally:
            self._building = False
