"""The periodic report as data: stored drafts and feedback of one period → `OpsReport`. Pure (no I/O) so the
figures can be checked by hand on a small data set; `app.ops.xlsx_report` writes it out.

Definitions (also in docs/operations.md):
- an inquiry is one stored draft created in the period;
- escalated = draftdesk recommended `escalate` or the operator's latest feedback says it was escalated;
  single-resolution rate = share of inquiries not escalated;
- feedback rates are over the drafts of the period that have feedback (the latest feedback per draft);
- p95 latency is the nearest-rank 95th percentile of the stored total latency.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from app.ops import rows as R
from app.ops.periods import Period, day_start, iso
from app.storage import Records

TARGETS = (0.90, 0.95)  # single-resolution targets the Agency reports against
FEEDBACK_GRACE_DAYS = 14  # feedback given up to this long after the period still counts for its drafts
CHANNELS = {"web_form": "Webフォーム", "free_dial": "フリーダイヤル", "app_helpdesk": "アプリヘルプデスク"}
DESTINATIONS = {
    "agency": "デジタル庁 主管課",
    "ops_vendor": "運用保守事業者",
    "ministry": "関係省庁",
    "ask_agency": "デジタル庁に確認（担当不明）",
    "unknown": "（記録なし）",
}
OUTCOMES = {
    "accepted": "採用",
    "edited": "修正して採用",
    "rejected": "不採用",
    "escalated": "エスカレーション",
}
ALERT_KINDS = {
    "suspected_failure": "障害の疑い",
    "prompt_injection": "指示文のような記述",
    "invalid_citation": "存在しない出典番号を削除",
    "uncited_sentence": "出典のない文",
    "llm_unavailable": "LLM未設定（抽出型で作成）",
    "llm_fallback": "LLM失敗（抽出型で作成）",
}
NO_CATEGORY = "（なし）"


@dataclass(frozen=True)
class Overview:
    total: int
    escalations: int
    single_resolution_rate: float | None
    escalation_rate: float | None
    with_feedback: int
    feedback_coverage: float | None  # drafts with feedback / total
    acceptance_rate: float | None
    edit_rate: float | None
    rejection_rate: float | None
    mean_edit_distance: float | None
    latency_mean_ms: float | None
    latency_p95_ms: float | None
    alerts_total: int  # alert entries on all drafts
    drafts_with_alerts: int
    suspected_failure_drafts: int

    def meets(self, target: float) -> bool | None:
        rate = self.single_resolution_rate
        return None if rate is None else rate >= target


@dataclass(frozen=True)
class GroupRow:
    """One channel or category."""

    key: str
    label: str
    count: int
    share: float | None
    escalations: int
    single_resolution_rate: float | None


@dataclass(frozen=True)
class CountRow:
    """One escalation destination, feedback outcome or alert kind: count and share of `of`."""

    key: str
    label: str
    count: int
    share: float | None


@dataclass(frozen=True)
class LatencyRow:
    key: str  # "all" or a channel
    label: str
    count: int
    mean_ms: float | None
    p50_ms: float | None
    p95_ms: float | None
    max_ms: float | None


@dataclass(frozen=True)
class DayRow:
    day: date
    total: int
    escalations: int
    single_resolution_rate: float | None
    drafts_with_alerts: int


@dataclass(frozen=True)
class OpsReport:
    period: Period
    generated_at: datetime
    overview: Overview
    channels: list[GroupRow]
    categories: list[GroupRow]
    destinations: list[CountRow]  # share of escalations
    feedback: list[CountRow]  # share of drafts with feedback
    latency: list[LatencyRow]
    alerts: list[CountRow]  # drafts carrying each kind; share of all inquiries
    days: list[DayRow]
    targets: tuple[float, ...] = field(default=TARGETS)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (an observed value, as people read 'p95'); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _category(draft: R.Row) -> str:
    return str(draft.get("category") or "").strip() or NO_CATEGORY


def _groups(
    drafts: list[R.Row], escalated: dict[str, bool], key_of: Any, labels: dict[str, str], keep_all: bool
) -> list[GroupRow]:
    counts: Counter[str] = Counter()
    esc: Counter[str] = Counter()
    for d in drafts:
        key = key_of(d)
        counts[key] += 1
        esc[key] += escalated[d["id"]]
    keys = list(labels) if keep_all else []
    keys += sorted((k for k in counts if k not in keys), key=lambda k: (-counts[k], k))
    total = len(drafts)
    return [
        GroupRow(
            k,
            labels.get(k, k),
            counts[k],
            _rate(counts[k], total),
            esc[k],
            _rate(counts[k] - esc[k], counts[k]),
        )
        for k in keys
    ]


def _latency_row(key: str, label: str, values: list[float]) -> LatencyRow:
    return LatencyRow(
        key, label, len(values), _mean(values), percentile(values, 0.5), percentile(values, 0.95),
        max(values) if values else None,
    )  # fmt: skip


def build_report(
    period: Period, drafts: Iterable[R.Row], feedback: Iterable[R.Row], generated_at: datetime
) -> OpsReport:
    """Drafts outside the period are ignored (callers may pass a superset); so is feedback on other drafts."""
    in_period = [d for d in drafts if period.start_iso <= str(d["created_at"]) < period.end_iso]
    ids = {str(d["id"]) for d in in_period}
    latest = R.latest_feedback(f for f in feedback if str(f["draft_id"]) in ids)
    escalated = {d["id"]: R.is_escalated(d, latest.get(d["id"])) for d in in_period}
    total = len(in_period)
    n_esc = sum(escalated.values())

    outcomes = Counter(str(f["outcome"]) for f in latest.values())
    with_fb = len(latest)
    distances = [float(f["edit_distance"]) for f in latest.values() if f.get("edit_distance") is not None]
    latencies = [float(d["latency_ms"]) for d in in_period]
    kinds_per_draft = {d["id"]: set(R.alert_kinds(d)) for d in in_period}
    alert_entries = sum(len(R.alert_kinds(d)) for d in in_period)
    with_alerts = sum(1 for k in kinds_per_draft.values() if k)
    overview = Overview(
        total=total,
        escalations=n_esc,
        single_resolution_rate=_rate(total - n_esc, total),
        escalation_rate=_rate(n_esc, total),
        with_feedback=with_fb,
        feedback_coverage=_rate(with_fb, total),
        acceptance_rate=_rate(outcomes["accepted"], with_fb),
        edit_rate=_rate(outcomes["edited"], with_fb),
        rejection_rate=_rate(outcomes["rejected"], with_fb),
        mean_edit_distance=_mean(distances),
        latency_mean_ms=_mean(latencies),
        latency_p95_ms=percentile(latencies, 0.95),
        alerts_total=alert_entries,
        drafts_with_alerts=with_alerts,
        suspected_failure_drafts=sum(1 for k in kinds_per_draft.values() if "suspected_failure" in k),
    )

    dest_counts = Counter(R.destination(d, latest.get(d["id"])) for d in in_period if escalated[d["id"]])
    dest_keys = [*DESTINATIONS, *sorted(k for k in dest_counts if k not in DESTINATIONS)]
    destinations = [
        CountRow(k, DESTINATIONS.get(k, k), dest_counts[k], _rate(dest_counts[k], n_esc))
        for k in dest_keys
        if k != "unknown" or dest_counts[k]
    ]
    fb_keys = [*OUTCOMES, *sorted(k for k in outcomes if k not in OUTCOMES)]
    feedback_rows = [
        CountRow(k, OUTCOMES.get(k, k), outcomes[k], _rate(outcomes[k], with_fb)) for k in fb_keys
    ]

    kind_counts: Counter[str] = Counter(k for kinds in kinds_per_draft.values() for k in kinds)
    alert_keys = [*ALERT_KINDS, *sorted(k for k in kind_counts if k not in ALERT_KINDS)]
    alerts = [
        CountRow(k, ALERT_KINDS.get(k, k), kind_counts[k], _rate(kind_counts[k], total)) for k in alert_keys
    ]

    by_channel: dict[str, list[float]] = defaultdict(list)
    for d in in_period:
        by_channel[str(d["channel"])].append(float(d["latency_ms"]))
    latency = [_latency_row("all", "全体", latencies)]
    channel_keys = [*CHANNELS, *sorted(k for k in by_channel if k not in CHANNELS)]
    latency += [_latency_row(k, CHANNELS.get(k, k), by_channel.get(k, [])) for k in channel_keys]

    per_day: dict[date, list[R.Row]] = defaultdict(list)
    for d in in_period:
        per_day[R.created(d).date()].append(d)
    days = []
    for day in period.days():
        todays = per_day.get(day, [])
        esc = sum(escalated[d["id"]] for d in todays)
        days.append(
            DayRow(
                day, len(todays), esc, _rate(len(todays) - esc, len(todays)),
                sum(1 for d in todays if kinds_per_draft[d["id"]]),
            )
        )  # fmt: skip

    return OpsReport(
        period=period,
        generated_at=generated_at,
        overview=overview,
        channels=_groups(in_period, escalated, lambda d: str(d["channel"]), CHANNELS, keep_all=True),
        categories=_groups(in_period, escalated, _category, {}, keep_all=False),
        destinations=destinations,
        feedback=feedback_rows,
        latency=latency,
        alerts=alerts,
        days=days,
    )


def fetch_period(records: Records, period: Period) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The period's drafts and the feedback on them (given up to FEEDBACK_GRACE_DAYS after the period, so a
    report regenerated later stays the same)."""
    drafts = records.drafts_between(period.start_iso, period.end_iso)
    until = iso(day_start(period.end) + timedelta(days=FEEDBACK_GRACE_DAYS))
    return drafts, records.feedback_between(period.start_iso, until)
