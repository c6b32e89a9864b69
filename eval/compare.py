"""`draftdesk eval compare A B`: what improved and what regressed between two runs, case by case."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

WATCH = ("decision_correct", "key_facts", "hit_at_1", "hit_at_5")


def _load(run: Path) -> tuple[dict[str, float], dict[str, dict[str, Any]]]:
    path = run / "results.jsonl"
    if not path.exists():
        raise FileNotFoundError(f"{run} is not an eval report directory (no results.jsonl)")
    rows = {
        r["id"]: r
        for r in (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line)
    }
    metrics = (
        json.loads((run / "metrics.json").read_text(encoding="utf-8"))
        if (run / "metrics.json").exists()
        else {}
    )
    return metrics, rows


def compare(a: Path, b: Path) -> str:
    ma, ra = _load(a)
    mb, rb = _load(b)
    lines = [f"# Compare {a.name} → {b.name}", "", "| metric | A | B | change |", "|---|---|---|---|"]
    for key in sorted(set(ma) & set(mb)):
        delta = mb[key] - ma[key]
        if abs(delta) > 1e-9:
            lines.append(f"| {key} | {ma[key]:.3f} | {mb[key]:.3f} | {delta:+.3f} |")
    improved: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    regressed: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for cid in sorted(set(ra) & set(rb)):
        before, after = ra[cid], rb[cid]
        if before["correct"] != after["correct"]:
            (improved if after["correct"] else regressed).append((cid, before, after))
            continue
        for key in WATCH:
            d = after["scores"][key] - before["scores"][key]
            if abs(d) > 1e-9:
                (improved if d > 0 else regressed).append((cid, before, after))
                break
    for title, rows in (("Regressed", regressed), ("Improved", improved)):
        lines += ["", f"## {title} ({len(rows)})", ""]
        for cid, before, after in rows:
            lines.append(
                f"- **{cid}**: {before['predicted']} → {after['predicted']} (expected {after['expected']}); "
                f"key facts {before['scores']['key_facts']:.2f} → {after['scores']['key_facts']:.2f}; "
                f"{'; '.join(after['problems']) or 'no problem now'}"
            )
    only = sorted(set(ra) ^ set(rb))
    if only:
        lines += ["", f"{len(only)} case(s) are in only one run: {', '.join(only[:20])}"]
    return "\n".join(lines) + "\n"
