"""CI gate: the held-out split in extractive mode must stay above the agreed floors (eval/floors.json).
Floors start at what was reached and are only raised; lowering one needs a note in that file."""

from __future__ import annotations

import json
from pathlib import Path

from app.service import DraftService
from eval.harness import check_floors, run_eval

FLOORS = Path(__file__).resolve().parent.parent / "eval" / "floors.json"


def test_heldout_meets_floors(service: DraftService, tmp_path: Path) -> None:
    summary = run_eval(
        service, split="heldout", mode="extractive", out_dir=tmp_path, history=tmp_path / "h.jsonl"
    )
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))["floors"]
    specs = [f"{k}<={v['max']}" if "max" in v else f"{k}={v['min']}" for k, v in floors.items()]
    failed = check_floors(summary.metrics, specs)
    assert not failed, f"{failed}\n{summary.headline()}"
    report = (summary.report_dir / "report.md").read_text(encoding="utf-8")
    assert "split `heldout`" in report and "never tuned on" in report
    assert (summary.report_dir / "report.html").exists() and (summary.report_dir / "results.jsonl").exists()
    assert len((tmp_path / "h.jsonl").read_text(encoding="utf-8").splitlines()) == 1
