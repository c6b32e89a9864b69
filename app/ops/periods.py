"""Report periods and look-back windows as half-open UTC ranges. Records store `created_at` as UTC ISO
text (`2026-12-01T09:30:00.000+00:00`), so the bounds are written in that exact form and compared as text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum


class PeriodKind(StrEnum):
    daily = "daily"
    weekly = "weekly"
    monthly = "monthly"


def iso(moment: datetime) -> str:
    """The stored timestamp format (see app.storage.now_iso)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass(frozen=True)
class Period:
    """[start, end) in whole UTC days."""

    kind: PeriodKind
    start: date
    end: date  # exclusive
    label: str  # 2026-12-01 | 2026-W49 | 2026-12

    @property
    def start_iso(self) -> str:
        return iso(day_start(self.start))

    @property
    def end_iso(self) -> str:
        return iso(day_start(self.end))

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days)]

    def title(self) -> str:
        last = self.end - timedelta(days=1)
        names = {PeriodKind.daily: "日次", PeriodKind.weekly: "週次", PeriodKind.monthly: "月次"}
        span = str(self.start) if self.start == last else f"{self.start}〜{last}"
        return f"{names[self.kind]} {self.label}（{span}、UTC）"


def period_for(kind: PeriodKind, day: date) -> Period:
    """daily = that date; weekly = the ISO week (Mon–Sun) containing it; monthly = its calendar month."""
    if kind is PeriodKind.daily:
        return Period(kind, day, day + timedelta(days=1), day.isoformat())
    if kind is PeriodKind.weekly:
        monday = day - timedelta(days=day.weekday())
        year, week, _ = day.isocalendar()
        return Period(kind, monday, monday + timedelta(days=7), f"{year}-W{week:02d}")
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(kind, first, following, f"{day.year}-{day.month:02d}")


_SPAN = re.compile(r"^\s*(\d{1,4})\s*([dw])\s*$", re.IGNORECASE)


def parse_span(text: str) -> timedelta:
    """'30d' or '4w' → a look-back span. Raises ValueError with the accepted forms."""
    m = _SPAN.match(text)
    if not m or int(m.group(1)) == 0:
        raise ValueError(f"{text!r} is not a span such as 30d (days) or 4w (weeks)")
    n = int(m.group(1))
    return timedelta(days=n * 7 if m.group(2).lower() == "w" else n)


@dataclass(frozen=True)
class Window:
    """A look-back window ending now: the FAQ-gap proposals cover [start, end)."""

    start: datetime
    end: datetime

    @classmethod
    def ending(cls, end: datetime, span: timedelta) -> Window:
        return cls(end - span, end)

    @property
    def middle(self) -> datetime:
        return self.start + (self.end - self.start) / 2
