"""Periodic reports: exact figures for a hand-built week of stored drafts, period boundaries, the documented
workbook layout read back with openpyxl, and the CLI's answers to bad input (a real SQLite file, a real
subprocess)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from app.ops.periods import PeriodKind, period_for
from app.ops.reports import build_report, fetch_period, percentile
from app.schemas import Alert, Draft, Recommendation
from app.storage import FeedbackRecord, SQLiteRecords
from tests.cli_helpers import run_cli

# id, created_at (UTC), channel, action, destination, category, latency ms, alert kinds
DRAFTS: list[tuple[str, str, str, str, str | None, str, float, list[str]]] = [
    ("d10", "2026-11-30T00:00:00.000+00:00", "web_form", "answer", None, "ログイン", 1000, []),  # Monday 00:00
    ("d1", "2026-12-01T09:00:00.000+00:00", "web_form", "answer", None, "ログイン", 100, []),
    ("d2", "2026-12-01T10:00:00.000+00:00", "web_form", "answer", None, "ログイン", 200, []),
    ("d3", "2026-12-02T11:00:00.000+00:00", "free_dial", "answer", None, "暗証番号", 300, []),
    ("d4", "2026-12-02T12:00:00.000+00:00", "free_dial", "escalate", "ops_vendor", "暗証番号", 400, ["suspected_failure"]),
    ("d5", "2026-12-03T08:00:00.000+00:00", "app_helpdesk", "answer", None, "ログイン", 500, []),
    ("d6", "2026-12-03T09:00:00.000+00:00", "web_form", "answer", None, "", 600, []),
    ("d7", "2026-12-04T10:00:00.000+00:00", "web_form", "escalate", "ask_agency", "公金受取口座", 700,
     ["invalid_citation", "prompt_injection"]),
    ("d8", "2026-12-05T23:59:59.000+00:00", "free_dial", "answer", None, "公金受取口座", 800, []),
    ("d9", "2026-12-06T23:59:59.999+00:00", "app_helpdesk", "answer", None, "ログイン", 900, []),  # Sunday, last ms
    ("x_next", "2026-12-07T00:00:00.000+00:00", "web_form", "escalate", "agency", "ログイン", 5000, []),
    ("x_prev", "2026-11-29T23:59:59.999+00:00", "web_form", "escalate", "agency", "ログイン", 5000, []),
]  # fmt: skip
# draft id, outcome, escalated_to, edit distance, created_at
FEEDBACK: list[tuple[str, str, str | None, float | None, str]] = [
    ("d1", "accepted", None, 0.0, "2026-12-01T09:05:00.000+00:00"),
    ("d2", "edited", None, 0.2, "2026-12-01T10:05:00.000+00:00"),
    ("d3", "rejected", None, None, "2026-12-02T11:05:00.000+00:00"),
    ("d4", "accepted", None, 0.0, "2026-12-02T12:05:00.000+00:00"),
    ("d5", "escalated", "ministry", None, "2026-12-03T08:05:00.000+00:00"),
    ("d8", "accepted", None, 0.0, "2026-12-06T00:05:00.000+00:00"),
    ("d8", "edited", None, 0.6, "2026-12-06T00:10:00.000+00:00"),  # the later word counts
    ("d9", "rejected", None, None, "2026-12-25T00:00:00.000+00:00"),  # after the 14-day grace: not counted
    ("d10", "accepted", None, 0.0, "2026-11-30T00:05:00.000+00:00"),
    ("x_next", "escalated", "agency", None, "2026-12-07T00:05:00.000+00:00"),
]


def _store(db: Path) -> SQLiteRecords:
    records = SQLiteRecords(db)
    for draft_id, _at, channel, action, dest, category, latency, kinds in DRAFTS:
        records.save_draft(
            Draft(
                id=draft_id,
                masked_inquiry="<PERSON_1>です。ログインできません",
                draft="回答です。",
                language="ja",
                citations=[],
                recommendation=Recommendation(action=action, destination=dest, reason="r", confidence=0.9),  # type: ignore[arg-type]
                alerts=[Alert(kind=k, message="m") for k in kinds],
                mode="extractive",
                timings_ms={"total": latency},
            ),
            channel,
            "tester",
            category,
        )
    for draft_id, outcome, escalated_to, distance, _at in FEEDBACK:
        records.save_feedback(FeedbackRecord(draft_id, outcome, "", escalated_to, distance, "tester"))
    with sqlite3.connect(db) as c:  # save_* stamp 'now': put every record where the scenario wants it
        c.executemany("UPDATE drafts SET created_at = ? WHERE id = ?", [(d[1], d[0]) for d in DRAFTS])
        c.executemany(
            "UPDATE feedback SET created_at = ? WHERE id = ?", [(f[4], i) for i, f in enumerate(FEEDBACK, 1)]
        )
    return records


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "records.db"
    _store(path)
    return path


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli({"DRAFTDESK_DATABASE_PATH": str(db)}, *args, timeout=180)


def test_periods_follow_iso_weeks_and_calendar_months() -> None:
    week = period_for(PeriodKind.weekly, date(2026, 12, 6))  # a Sunday
    assert (week.start, week.end, week.label) == (date(2026, 11, 30), date(2026, 12, 7), "2026-W49")
    month = period_for(PeriodKind.monthly, date(2026, 12, 31))
    assert (month.start, month.end, month.label) == (date(2026, 12, 1), date(2027, 1, 1), "2026-12")
    day = period_for(PeriodKind.daily, date(2026, 2, 28))
    assert (day.start_iso, day.end_iso) == ("2026-02-28T00:00:00.000+00:00", "2026-03-01T00:00:00.000+00:00")
    assert percentile([float(v) for v in range(100, 1001, 100)], 0.95) == 1000.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0 and percentile([], 0.5) is None


def test_weekly_figures_are_exact(db: Path) -> None:
    period = period_for(PeriodKind.weekly, date(2026, 12, 2))
    drafts, feedback = fetch_period(SQLiteRecords(db), period)
    report = build_report(period, drafts, feedback, datetime(2026, 12, 8, tzinfo=UTC))
    o = report.overview
    assert o.total == 10  # d1–d10; the drafts one millisecond outside the week are not counted
    assert o.escalations == 3  # d4, d7 recommended; d5 escalated by the operator
    assert o.single_resolution_rate == pytest.approx(0.7) and o.escalation_rate == pytest.approx(0.3)
    assert (o.meets(0.90), o.meets(0.95)) == (False, False)
    assert o.with_feedback == 7 and o.feedback_coverage == pytest.approx(0.7)  # d9's late feedback is out
    assert o.acceptance_rate == pytest.approx(3 / 7)  # d1, d4, d10
    assert o.edit_rate == pytest.approx(2 / 7)  # d2 and d8 (its latest feedback)
    assert o.rejection_rate == pytest.approx(1 / 7)
    assert o.mean_edit_distance == pytest.approx(0.8 / 5)
    assert o.latency_mean_ms == pytest.approx(550.0) and o.latency_p95_ms == 1000.0
    assert (o.alerts_total, o.drafts_with_alerts, o.suspected_failure_drafts) == (3, 2, 1)

    channels = {r.key: (r.count, r.escalations, r.single_resolution_rate) for r in report.channels}
    assert channels == {
        "web_form": (5, 1, pytest.approx(0.8)),
        "free_dial": (3, 1, pytest.approx(2 / 3)),
        "app_helpdesk": (2, 1, pytest.approx(0.5)),
    }
    assert [(r.key, r.count) for r in report.categories] == [
        ("ログイン", 5), ("公金受取口座", 2), ("暗証番号", 2), ("（なし）", 1),
    ]  # fmt: skip
    assert {r.key: r.count for r in report.destinations} == {
        "agency": 0, "ops_vendor": 1, "ministry": 1, "ask_agency": 1,
    }  # fmt: skip
    assert {r.key: r.count for r in report.feedback} == {
        "accepted": 3,
        "edited": 2,
        "rejected": 1,
        "escalated": 1,
    }
    assert {r.key: r.count for r in report.alerts if r.count} == {
        "suspected_failure": 1, "invalid_citation": 1, "prompt_injection": 1,
    }  # fmt: skip
    assert [(r.day.isoformat(), r.total, r.escalations) for r in report.days] == [
        ("2026-11-30", 1, 0), ("2026-12-01", 2, 0), ("2026-12-02", 2, 1), ("2026-12-03", 2, 1),
        ("2026-12-04", 1, 1), ("2026-12-05", 1, 0), ("2026-12-06", 1, 0),
    ]  # fmt: skip
    latency = {r.key: (r.count, r.p50_ms, r.max_ms) for r in report.latency}
    assert latency["all"] == (10, 500.0, 1000.0) and latency["app_helpdesk"] == (2, 500.0, 900.0)


def test_month_boundaries(db: Path) -> None:
    period = period_for(PeriodKind.monthly, date(2026, 12, 15))
    drafts, feedback = fetch_period(SQLiteRecords(db), period)
    report = build_report(period, drafts, feedback, datetime(2027, 1, 2, tzinfo=UTC))
    assert report.overview.total == 10  # d1–d9 and x_next; d10 and x_prev are November
    assert len(report.days) == 31 and report.days[6].total == 1  # 2026-12-07: x_next


def _sheet(path: Path, name: str) -> list[tuple[Any, ...]]:
    wb = load_workbook(path)
    return [tuple(r) for r in wb[name].iter_rows(values_only=True)]


def test_weekly_workbook_layout_and_values(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    r = _cli(db, "report", "--period", "weekly", "--date", "2026-12-02", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "問合せ 10件" in r.stdout and "一次解決率 70.0%" in r.stdout
    path = out / "report-weekly-2026-W49.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "概要", "チャネル別", "カテゴリ別", "エスカレーション先", "フィードバック", "応答時間", "アラート", "日別", "グラフ",
    ]  # fmt: skip
    headers = {ws.title: [c.value for c in ws[1]] for ws in wb.worksheets if ws.title != "グラフ"}
    assert headers == {  # as documented in docs/operations.md
        "概要": ["項目", "値", "目標", "判定", "キー"],
        "チャネル別": ["キー", "名称", "件数", "割合", "エスカレーション件数", "一次解決率"],
        "カテゴリ別": ["キー", "名称", "件数", "割合", "エスカレーション件数", "一次解決率"],
        "エスカレーション先": ["キー", "エスカレーション先", "件数", "割合（エスカレーション中）"],
        "フィードバック": ["キー", "結果", "件数", "割合（フィードバックのある下書き中）"],
        "応答時間": ["キー", "区分", "件数", "平均（ms）", "p50（ms）", "p95（ms）", "最大（ms）"],
        "アラート": ["キー", "アラート種類", "下書き数", "割合（全問合せ中）"],
        "日別": ["日付", "件数", "エスカレーション件数", "一次解決率", "アラートのある下書き"],
    }
    overview = {row[4]: row for row in _sheet(path, "概要")[1:]}
    assert overview["total"][1] == 10
    assert overview["single_resolution_rate"][1] == pytest.approx(0.7)
    assert overview["single_resolution_target_90"][2:4] == (0.9, "未達")
    assert overview["single_resolution_target_95"][2:4] == (0.95, "未達")
    assert overview["acceptance_rate"][1] == pytest.approx(3 / 7)
    assert overview["latency_p95_ms"][1] == 1000
    assert overview["alerts_total"][1] == 3
    channels = {row[0]: row[2] for row in _sheet(path, "チャネル別")[1:]}
    assert channels == {"web_form": 5, "free_dial": 3, "app_helpdesk": 2}
    assert [row[1] for row in _sheet(path, "日別")[1:]] == [1, 2, 2, 2, 1, 1, 1]
    assert len(wb["グラフ"]._charts) == 3  # category bars, channel bars, daily line


def test_daily_report_meets_targets_and_has_no_line_chart(db: Path, tmp_path: Path) -> None:
    r = _cli(db, "report", "--period", "daily", "--date", "2026-12-01", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    path = tmp_path / "report-daily-2026-12-01.xlsx"
    overview = {row[4]: row for row in _sheet(path, "概要")[1:]}
    assert overview["total"][1] == 2 and overview["single_resolution_rate"][1] == 1
    assert overview["single_resolution_target_95"][3] == "達成"
    assert len(load_workbook(path)["グラフ"]._charts) == 2
    events = SQLiteRecords(db).audit_events()
    assert events[0]["action"] == "report" and json.loads(events[0]["detail"])["total"] == 2


def test_empty_period_is_not_zero_percent(db: Path, tmp_path: Path) -> None:
    r = _cli(db, "report", "--period", "daily", "--date", "2027-03-01", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    overview = {row[4]: row for row in _sheet(tmp_path / "report-daily-2027-03-01.xlsx", "概要")[1:]}
    assert overview["total"][1] == 0 and overview["single_resolution_rate"][1] == "—"


@pytest.mark.parametrize(
    ("args", "option", "words"),
    [
        (["--period", "yearly"], "--period", "'yearly' is not one of daily, weekly, monthly"),
        (["--period", "weekly", "--date", "2026-13-45"], "--date", "is not a date"),
        (["--period", "weekly", "--date", "next tuesday"], "--date", "is not a date"),
        (["--date", "2026-12-01"], "--period", "Missing option"),
    ],
)
def test_report_bad_input_names_the_option(
    db: Path, tmp_path: Path, args: list[str], option: str, words: str
) -> None:
    r = _cli(db, "report", *args, "--out", str(tmp_path))
    assert r.returncode == 2
    assert option in r.stderr and words in r.stderr
    assert not list(tmp_path.glob("*.xlsx"))
