"""The one source of "now" (UTC, aware), replaceable in tests."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SettableClock:
    """A clock that stands where it is put: the demo's loaders walk one through the past
    weeks while the real services record what happened "then"."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now
