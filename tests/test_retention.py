"""Retention: purge (dry run first) and export, both audited, on a real SQLite file via the CLI."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from app.schemas import Draft, Recommendation
from app.storage import FeedbackRecord, SQLiteRecords
from tests.cli_helpers import run_cli


def _draft(i: int) -> Draft:
    return Draft(
        id=f"d_{i}",
        masked_inquiry="<PERSON_1>です。ログインできません",
        draft="回答です。",
        language="ja",
        citations=[],
        recommendation=Recommendation(action="answer", reason="r", confidence=0.9),
        mode="extractive",
    )


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli({"DRAFTDESK_DATABASE_PATH": str(db)}, *args, timeout=120)


def test_purge_dry_run_then_apply_and_export(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    records = SQLiteRecords(db)
    for i in range(3):
        records.save_draft(_draft(i), "web_form", "tester")
    records.save_feedback(FeedbackRecord("d_0", "accepted", "", None, 0.0, "tester"))
    with sqlite3.connect(db) as c:  # two of them are three years old
        c.execute("UPDATE drafts SET created_at = '2023-01-01T00:00:00.000+00:00' WHERE id IN ('d_0', 'd_1')")

    dry = _cli(db, "purge")
    assert (
        dry.returncode == 0
        and "would delete" in dry.stdout
        and "drafts 2" in dry.stdout
        and "feedback 1" in dry.stdout
    )
    assert len(records.drafts_between("0", "9")) == 3  # nothing deleted by the dry run
    done = _cli(db, "purge", "--apply")
    assert done.returncode == 0 and "deleted" in done.stdout
    assert [d["id"] for d in records.drafts_between("0", "9")] == ["d_2"]

    out = tmp_path / "backup"
    exported = _cli(db, "export", str(out))
    assert exported.returncode == 0, exported.stderr
    drafts = [json.loads(line) for line in (out / "drafts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [d["id"] for d in drafts] == ["d_2"] and (out / "draftdesk-export.xlsx").exists()
    actions = [e["action"] for e in records.audit_events()]
    assert actions[:3] == ["export", "purge.apply", "purge.dry_run"]
