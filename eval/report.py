"""Reports a QA lead reads: report.md, report.html (plots inline), results.jsonl — worst cases first."""

from __future__ import annotations

import base64
import html
import io
import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from eval import metrics as m

if TYPE_CHECKING:
    from eval.harness import CaseResult, EvalSummary

KEY_METRICS = (
    ("single_resolution", "Projected single-resolution rate"),
    ("decision_accuracy", "Decision accuracy"),
    ("escalation_recall", "Escalation recall"),
    ("escalation_precision", "Escalation precision"),
    ("destination_accuracy", "Destination accuracy"),
    ("hit_at_1", "Retrieval hit@1"),
    ("hit_at_5", "Retrieval hit@5"),
    ("mrr_at_10", "MRR@10"),
    ("ragas_id_context_precision", "ragas ID context precision (top 5)"),
    ("ragas_id_context_recall", "ragas ID context recall (top 5)"),
    ("key_fact_coverage", "Key-fact coverage"),
    ("citation_precision", "Citation precision"),
    ("invalid_citations", "Invalid citations"),
    ("chrf", "chrF (character)"),
    ("char_bleu", "BLEU (character)"),
    ("calibration_ece", "Calibration error (ECE)"),
    ("pii_leaks", "PII leaks"),
    ("escalation_rate", "Escalation rate"),
    ("latency_p50_ms", "Latency p50 (ms)"),
    ("latency_p95_ms", "Latency p95 (ms)"),
    ("feedback_count", "Operator feedback records"),
    ("feedback_acceptance_rate", "Operator acceptance rate (sent as drafted)"),
    ("feedback_edit_rate", "Operator edit rate"),
    ("feedback_rejection_rate", "Operator rejection rate"),
    ("feedback_mean_edit_distance", "Mean edit distance of edited drafts"),
    ("answerable_resolved", "Answerable inquiries resolved (correct answer / answerable)"),
)


def _fmt(key: str, value: float) -> str:
    if key in ("invalid_citations", "pii_leaks", "feedback_count"):
        return str(int(value))
    if key.endswith("_ms"):
        return f"{value:.0f}"
    return f"{value:.3f}"


JUDGE_ABSENT = {
    "no_endpoint": "not measured (no LLM endpoint)",
    "off": "not measured (judge off: it runs in llm mode, or with --judge)",
}


def judge_section(summary: EvalSummary) -> list[str]:
    """LLM-judged ragas metrics (eval/llm_judge.py), or why they are absent."""
    from eval.llm_judge import METRICS

    mm = summary.metrics
    lines = ["", "## LLM judge (ragas: faithfulness, response relevancy, LLM context precision)", ""]
    if "llm_judge_cases" not in mm:
        state = str(summary.extras.get("llm_judge", "no_endpoint"))
        return [*lines, f"LLM judge metrics: {JUDGE_ABSENT.get(state, JUDGE_ABSENT['no_endpoint'])}."]
    lines += ["| metric | value |", "|---|---|"]
    lines += [f"| {title} | {mm[key]:.3f} |" if key in mm else f"| {title} | not measured |"
              for key, title in METRICS.items()]  # fmt: skip
    lines += [
        "",
        f"{int(mm['llm_judge_cases'])} of {len(summary.results)} cases judged; "
        f"{int(mm['llm_judge_errors'])} judge error(s) (e.g. malformed reply, timeout), left out of the means.",
    ]
    return lines


def worst_first(results: list[CaseResult]) -> list[CaseResult]:
    def badness(r: CaseResult) -> tuple[int, float, float]:
        return (
            -len(r.problems) - (2 if r.leaks else 0) - (1 if r.scores["decision_correct"] == 0 else 0),
            r.scores["key_facts"],
            r.scores["mrr_at_10"],
        )

    return sorted([r for r in results if r.problems], key=badness)


def by_category(results: list[CaseResult]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[CaseResult]] = defaultdict(list)
    for r in results:
        groups[r.case.category or "(none)"].append(r)
    return {
        cat: {"cases": len(rows), "correct": sum(r.correct for r in rows) / len(rows),
              "decision": sum(r.scores["decision_correct"] for r in rows) / len(rows),
              "key_facts": sum(r.scores["key_facts"] for r in rows) / len(rows)}
        for cat, rows in sorted(groups.items())
    }  # fmt: skip


def crossfit_note(summary: EvalSummary) -> str:
    folds = int(summary.extras.get("crossfit_folds", 0) or 0)
    if not folds:
        return ""
    return (
        f" The route classifier also learns from these cases, so they were scored cross-fitted: {folds} folds "
        "by batch, each scored by a classifier refit without it."
    )


def to_markdown(summary: EvalSummary) -> str:
    mm = summary.metrics
    sr = mm["single_resolution"]
    lines = [
        f"# draftdesk evaluation — split `{summary.split}`, mode `{summary.mode}`",
        "",
        f"{len(summary.results)} cases. The split is **{summary.split}**"
        + (" (never tuned on)." if summary.split == "heldout" else " (used for tuning).")
        + crossfit_note(summary),
        "",
        f"**Projected single-resolution rate: {sr:.1%}** — year-1 target 90 % "
        f"({'met' if sr >= 0.9 else 'not met'}), year-2 target 95 % ({'met' if sr >= 0.95 else 'not met'}).",
        "It counts inquiries the helpdesk answers (recommendation `answer`) with a correct draft "
        "(decision right, every key fact present, no PII leak), over all inquiries.",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    lines += [f"| {title} | {_fmt(key, mm[key])} |" for key, title in KEY_METRICS if key in mm]
    lines += judge_section(summary)
    lines += ["", "## Decisions (rows: expected, columns: recommended)", ""]
    matrix = m.confusion([r.expected for r in summary.results], [r.predicted for r in summary.results])
    lines += [
        "| expected \\ got | " + " | ".join(m.DESTINATIONS) + " |",
        "|---" * (len(m.DESTINATIONS) + 1) + "|",
    ]
    lines += [
        f"| {e} | " + " | ".join(str(matrix[e][p]) for p in m.DESTINATIONS) + " |" for e in m.DESTINATIONS
    ]
    lines += [
        "",
        "## By category",
        "",
        "| category | cases | correct | decision | key facts |",
        "|---|---|---|---|---|",
    ]
    for cat, row in by_category(summary.results).items():
        lines.append(
            f"| {cat} | {int(row['cases'])} | {row['correct']:.2f} | {row['decision']:.2f} | {row['key_facts']:.2f} |"
        )
    worst = worst_first(summary.results)
    lines += ["", f"## Worst cases first ({len(worst)} with a problem)", ""]
    for r in worst[:60]:
        lines.append(
            f"- **{r.case.id}** ({', '.join(r.case.style) or 'plain'}; {r.case.category}): {'; '.join(r.problems)}"
        )
        lines.append(f"  - inquiry: {r.case.inquiry[:120]}")
        lines.append(f"  - retrieved: {', '.join(r.retrieved[:5])}; gold: {', '.join(r.case.gold_ids)}")
    return "\n".join(lines) + "\n"


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def plots(summary: EvalSummary, history_rows: list[dict[str, Any]]) -> dict[str, str]:
    import logging
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # A Japanese font when the machine has one (make installs IPAexGothic); labels stay readable otherwise.
    plt.rcParams["font.family"] = ["IPAexGothic", "Noto Sans CJK JP", "DejaVu Sans"]
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="Glyph .* missing from font")

    out: dict[str, str] = {}
    rows = [h for h in history_rows if h.get("split") == summary.split] + [
        {"metrics": summary.metrics, "at": "now"}
    ]
    fig, ax = plt.subplots(figsize=(6, 3))
    for key in ("single_resolution", "decision_accuracy", "hit_at_5", "key_fact_coverage"):
        ax.plot(range(len(rows)), [r["metrics"].get(key, 0) for r in rows], marker="o", label=key)
    ax.axhline(0.9, color="grey", ls="--", lw=0.8)
    ax.axhline(0.95, color="grey", ls=":", lw=0.8)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("run")
    ax.legend(fontsize=7)
    ax.set_title("Trend across runs")
    out["trend"] = _png(fig)

    conf = [r.scores["confidence"] for r in summary.results]
    ok = [r.scores["decision_correct"] == 1.0 for r in summary.results]
    curve = m.reliability(conf, ok, bins=5)
    fig, ax = plt.subplots(figsize=(3.5, 3.5))
    ax.plot([0, 1], [0, 1], color="grey", ls="--", lw=0.8)
    ax.plot([c for c, _, _ in curve], [a for _, a, _ in curve], marker="o")
    ax.set_xlabel("confidence")
    ax.set_ylabel("decision accuracy")
    ax.set_title("Calibration")
    out["calibration"] = _png(fig)

    matrix = m.confusion([r.expected for r in summary.results], [r.predicted for r in summary.results])
    fig, ax = plt.subplots(figsize=(4.5, 4))
    data = [[matrix[e][p] for p in m.DESTINATIONS] for e in m.DESTINATIONS]
    ax.imshow(data, cmap="Blues")
    ax.set_xticks(range(len(m.DESTINATIONS)), m.DESTINATIONS, rotation=45, fontsize=7)
    ax.set_yticks(range(len(m.DESTINATIONS)), m.DESTINATIONS, fontsize=7)
    for i, row in enumerate(data):
        for j, v in enumerate(row):
            ax.text(j, i, str(v), ha="center", va="center", fontsize=8)
    ax.set_xlabel("recommended")
    ax.set_ylabel("expected")
    ax.set_title("Confusion matrix")
    out["confusion"] = _png(fig)

    cats = by_category(summary.results)
    fig, ax = plt.subplots(figsize=(6, max(2.5, 0.25 * len(cats))))
    ax.barh(range(len(cats)), [c["correct"] for c in cats.values()])
    ax.set_yticks(range(len(cats)), [f"{k} ({int(v['cases'])})" for k, v in cats.items()], fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_title("Correct drafts by category")
    out["categories"] = _png(fig)
    return out


def to_html(summary: EvalSummary, markdown: str, images: dict[str, str]) -> str:
    body = []
    for line in markdown.splitlines():
        esc = html.escape(line)
        if line.startswith("# "):
            body.append(f"<h1>{esc[2:]}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{esc[3:]}</h2>")
        else:
            body.append(f"<div>{esc}</div>")
    imgs = "".join(
        f'<figure><img alt="{k}" src="data:image/png;base64,{v}"><figcaption>{k}</figcaption></figure>'
        for k, v in images.items()
    )
    return (
        "<!doctype html><html lang='ja'><meta charset='utf-8'><title>draftdesk eval</title>"
        "<style>body{font-family:sans-serif;max-width:1100px;margin:1rem auto}figure{display:inline-block;margin:.5rem}"
        "div{white-space:pre-wrap;font-family:monospace;font-size:13px}</style>"
        f"<body>{imgs}{''.join(body)}</body></html>"
    )


def write_report(summary: EvalSummary, history_rows: list[dict[str, Any]]) -> None:
    out = summary.report_dir
    out.mkdir(parents=True, exist_ok=True)
    markdown = to_markdown(summary)
    (out / "report.md").write_text(markdown, encoding="utf-8")
    (out / "report.html").write_text(
        to_html(summary, markdown, plots(summary, history_rows)), encoding="utf-8"
    )
    with (out / "results.jsonl").open("w", encoding="utf-8") as fh:
        for r in summary.results:
            fh.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")
    (out / "metrics.json").write_text(json.dumps(summary.metrics, indent=2), encoding="utf-8")
