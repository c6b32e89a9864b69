"""`OpsReport` → one workbook in a fixed layout (sheets and columns documented in docs/operations.md; the
Agency's own spreadsheets read cells by position, so the layout only changes together with that document)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from app.ops.periods import PeriodKind
from app.ops.reports import CountRow, GroupRow, OpsReport

PCT = "0.0%"
MS = "#,##0"
NONE = "—"  # a rate of nothing (no inquiries, no feedback) is not 0 %

SHEETS = (
    "概要", "チャネル別", "カテゴリ別", "エスカレーション先", "フィードバック", "応答時間", "アラート", "日別", "グラフ",
)  # fmt: skip
OVERVIEW_HEADER = ("項目", "値", "目標", "判定", "キー")
GROUP_HEADER = ("キー", "名称", "件数", "割合", "エスカレーション件数", "一次解決率")
DESTINATION_HEADER = ("キー", "エスカレーション先", "件数", "割合（エスカレーション中）")
FEEDBACK_HEADER = ("キー", "結果", "件数", "割合（フィードバックのある下書き中）")
LATENCY_HEADER = ("キー", "区分", "件数", "平均（ms）", "p50（ms）", "p95（ms）", "最大（ms）")
ALERT_HEADER = ("キー", "アラート種類", "下書き数", "割合（全問合せ中）")
DAY_HEADER = ("日付", "件数", "エスカレーション件数", "一次解決率", "アラートのある下書き")


def report_filename(report: OpsReport) -> str:
    return f"report-{report.period.kind.value}-{report.period.label}.xlsx"


def _value(v: Any) -> Any:
    return NONE if v is None else v


def _sheet(wb: Workbook, title: str, header: Sequence[str], widths: Sequence[int]) -> Worksheet:
    ws = wb.create_sheet(title)
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    return ws


def _formats(ws: Worksheet, formats: dict[int, str]) -> None:
    """Number formats by column (1-based), for every data row."""
    for row in ws.iter_rows(min_row=2):
        for col, fmt in formats.items():
            row[col - 1].number_format = fmt


def _overview(wb: Workbook, report: OpsReport) -> None:
    o = report.overview
    ws = _sheet(wb, "概要", OVERVIEW_HEADER, (44, 22, 10, 10, 28))
    p = report.period
    rows: list[tuple[str, Any, Any, Any, str, str | None]] = [
        ("対象期間", p.title(), None, None, "period", None),
        ("開始日（UTC、この日を含む）", p.start.isoformat(), None, None, "start", None),
        ("終了日（UTC、この日を含まない）", p.end.isoformat(), None, None, "end", None),
        ("問合せ件数", o.total, None, None, "total", "#,##0"),
        (
            "一次解決率（エスカレーションなし）",
            o.single_resolution_rate,
            None,
            None,
            "single_resolution_rate",
            PCT,
        ),
    ]
    for target in report.targets:
        met = o.meets(target)
        verdict = NONE if met is None else ("達成" if met else "未達")
        rows.append(
            (f"一次解決率 目標{target:.0%}", o.single_resolution_rate, target, verdict,
             f"single_resolution_target_{round(target * 100)}", PCT)
        )  # fmt: skip
    rows += [
        ("エスカレーション件数", o.escalations, None, None, "escalations", "#,##0"),
        ("エスカレーション率", o.escalation_rate, None, None, "escalation_rate", PCT),
        ("フィードバックのある下書き", o.with_feedback, None, None, "with_feedback", "#,##0"),
        ("フィードバック記録率", o.feedback_coverage, None, None, "feedback_coverage", PCT),
        ("採用率（そのまま採用）", o.acceptance_rate, None, None, "acceptance_rate", PCT),
        ("修正率（修正して採用）", o.edit_rate, None, None, "edit_rate", PCT),
        ("不採用率", o.rejection_rate, None, None, "rejection_rate", PCT),
        ("平均修正量（編集距離 0〜1）", o.mean_edit_distance, None, None, "mean_edit_distance", "0.00"),
        ("平均応答時間（ms）", o.latency_mean_ms, None, None, "latency_mean_ms", MS),
        ("p95応答時間（ms）", o.latency_p95_ms, None, None, "latency_p95_ms", MS),
        ("アラート件数", o.alerts_total, None, None, "alerts_total", "#,##0"),
        ("アラートのある下書き", o.drafts_with_alerts, None, None, "drafts_with_alerts", "#,##0"),
        (
            "障害の疑いアラートのある下書き",
            o.suspected_failure_drafts,
            None,
            None,
            "suspected_failure_drafts",
            "#,##0",
        ),
        (
            "作成日時（UTC）",
            report.generated_at.isoformat(timespec="seconds"),
            None,
            None,
            "generated_at",
            None,
        ),
    ]
    for label, value, target, verdict, key, fmt in rows:
        ws.append([label, _value(value), target, verdict, key])
        if fmt and value is not None:
            ws.cell(ws.max_row, 2).number_format = fmt
        if target is not None:
            ws.cell(ws.max_row, 3).number_format = PCT


def _groups(wb: Workbook, title: str, rows: list[GroupRow]) -> None:
    ws = _sheet(wb, title, GROUP_HEADER, (16, 40, 10, 10, 20, 12))
    for r in rows:
        ws.append([r.key, r.label, r.count, _value(r.share), r.escalations, _value(r.single_resolution_rate)])
    _formats(ws, {4: PCT, 6: PCT})


def _counts(wb: Workbook, title: str, header: Sequence[str], rows: list[CountRow]) -> None:
    ws = _sheet(wb, title, header, (20, 30, 10, 24))
    for r in rows:
        ws.append([r.key, r.label, r.count, _value(r.share)])
    _formats(ws, {4: PCT})


def _latency(wb: Workbook, report: OpsReport) -> None:
    ws = _sheet(wb, "応答時間", LATENCY_HEADER, (14, 20, 10, 12, 12, 12, 12))
    for r in report.latency:
        ws.append([r.key, r.label, r.count, *(_value(v) for v in (r.mean_ms, r.p50_ms, r.p95_ms, r.max_ms))])
    _formats(ws, {4: MS, 5: MS, 6: MS, 7: MS})


def _days(wb: Workbook, report: OpsReport) -> None:
    ws = _sheet(wb, "日別", DAY_HEADER, (12, 10, 20, 12, 20))
    for r in report.days:
        ws.append(
            [
                r.day.isoformat(),
                r.total,
                r.escalations,
                _value(r.single_resolution_rate),
                r.drafts_with_alerts,
            ]
        )
    _formats(ws, {4: PCT})


def _charts(wb: Workbook, report: OpsReport) -> None:
    """Bar charts by category and channel; a line chart by day for weekly and monthly reports."""
    ws = wb.create_sheet("グラフ")
    ws["A1"] = f"グラフ — {report.period.title()}"
    ws["A1"].font = Font(bold=True)
    anchors = iter(("A3", "K3", "A20"))
    categories = min(len(report.categories), 15)  # the largest categories; the table has them all
    if categories:
        data = wb["カテゴリ別"]
        chart = BarChart()
        chart.type = "bar"
        chart.title = "カテゴリ別の問合せ件数（上位15）"
        chart.add_data(Reference(data, min_col=3, min_row=1, max_row=categories + 1), titles_from_data=True)
        chart.set_categories(Reference(data, min_col=2, min_row=2, max_row=categories + 1))
        chart.height, chart.width = 9, 16
        ws.add_chart(chart, next(anchors))
    data = wb["チャネル別"]
    chart = BarChart()
    chart.title = "チャネル別の問合せ件数"
    chart.add_data(
        Reference(data, min_col=3, max_col=3, min_row=1, max_row=len(report.channels) + 1),
        titles_from_data=True,
    )
    chart.add_data(
        Reference(data, min_col=5, max_col=5, min_row=1, max_row=len(report.channels) + 1),
        titles_from_data=True,
    )
    chart.set_categories(Reference(data, min_col=2, min_row=2, max_row=len(report.channels) + 1))
    chart.height, chart.width = 9, 14
    ws.add_chart(chart, next(anchors))
    if report.period.kind is not PeriodKind.daily:
        data = wb["日別"]
        line = LineChart()
        line.title = "日別の問合せ件数とエスカレーション件数"
        line.add_data(
            Reference(data, min_col=2, max_col=3, min_row=1, max_row=len(report.days) + 1),
            titles_from_data=True,
        )
        line.set_categories(Reference(data, min_col=1, min_row=2, max_row=len(report.days) + 1))
        line.height, line.width = 9, 26
        ws.add_chart(line, next(anchors))


def write_report_xlsx(report: OpsReport, out_dir: Path) -> Path:
    """Write the workbook into `out_dir` (created if needed) and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    _overview(wb, report)
    _groups(wb, "チャネル別", report.channels)
    _groups(wb, "カテゴリ別", report.categories)
    _counts(wb, "エスカレーション先", DESTINATION_HEADER, report.destinations)
    _counts(wb, "フィードバック", FEEDBACK_HEADER, report.feedback)
    _latency(wb, report)
    _counts(wb, "アラート", ALERT_HEADER, report.alerts)
    _days(wb, report)
    _charts(wb, report)
    path = out_dir / report_filename(report)
    wb.save(path)
    return path
