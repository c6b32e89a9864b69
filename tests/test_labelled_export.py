"""Operator-confirmed routes exported as labelled inquiries: which feedback tells a route and which does not, on a
real SQLite file, through the real CLI; the file it writes is read by the same loader the router uses."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.labelled import load_labelled
from app.ops.labelled_export import (
    SKIP_DUPLICATE,
    SKIP_NO_DESTINATION,
    SKIP_NO_FEEDBACK,
    SKIP_REJECTED,
    labelled_from_feedback,
)
from app.schemas import Draft, Recommendation
from app.storage import FeedbackRecord, SQLiteRecords
from tests.cli_helpers import run_cli

# id, created_at, masked inquiry, draftdesk's action and destination
DRAFTS: list[tuple[str, str, str, str, str | None]] = [
    ("a1", "2026-11-02T09:00:00.000+00:00", "<PERSON_1>です。ログインの方法を教えて", "answer", None),
    ("a2", "2026-11-03T09:00:00.000+00:00", "公金受取口座を変えたい", "answer", None),
    ("e1", "2026-11-04T09:00:00.000+00:00", "画面が真っ白のまま動かない", "escalate", "ops_vendor"),
    ("o1", "2026-11-05T09:00:00.000+00:00", "薬の情報が3年分しか見えないのはなぜ", "answer", None),
    ("o2", "2026-11-06T09:00:00.000+00:00", "この手続きはどこの担当ですか", "escalate", "agency"),
    ("r1", "2026-11-07T09:00:00.000+00:00", "暗証番号を忘れた", "answer", None),
    ("n1", "2026-11-08T09:00:00.000+00:00", "引越しの手続き", "answer", None),
    ("x1", "2026-11-09T09:00:00.000+00:00", "代理人の上限は何人", "answer", None),
    ("a1_again", "2026-11-20T09:00:00.000+00:00", "<PERSON_1>です。ログインの方法を教えて", "answer", None),
    ("dec", "2026-12-01T00:00:00.000+00:00", "12月の問合せ", "answer", None),
]
# draft id, outcome, escalated_to
FEEDBACK: list[tuple[str, str, str | None]] = [
    ("a1", "accepted", None),
    ("a2", "accepted", None),
    ("a2", "edited", None),  # the later word counts: still answered
    ("e1", "accepted", None),  # the operator sent the holding reply: the escalation is confirmed
    ("o1", "escalated", "ministry"),  # the operator overrode an answer
    ("o2", "rejected", "ask_agency"),  # ... and an escalation's destination
    ("r1", "rejected", None),  # rejected without a route: says nothing certain
    ("x1", "escalated", None),  # escalated, but to whom is unknown
    ("a1_again", "escalated", "agency"),  # the same inquiry later escalated: the later route wins
    ("dec", "accepted", None),  # next month
]
EXPECTED = {
    "<PERSON_1>です。ログインの方法を教えて": "agency",
    "公金受取口座を変えたい": "answer",
    "画面が真っ白のまま動かない": "ops_vendor",
    "薬の情報が3年分しか見えないのはなぜ": "ministry",
    "この手続きはどこの担当ですか": "ask_agency",
}


def _store(db: Path) -> SQLiteRecords:
    records = SQLiteRecords(db)
    for draft_id, _at, text, action, dest in DRAFTS:
        rec = Recommendation(action=action, destination=dest, reason="r", confidence=0.9)  # type: ignore[arg-type]
        draft = Draft(
            id=draft_id,
            masked_inquiry=text,
            draft="回答です。",
            language="ja",
            citations=[],
            recommendation=rec,
            alerts=[],
            mode="extractive",
            timings_ms={"total": 10.0},
        )
        records.save_draft(draft, "web_form", "tester")
    for draft_id, outcome, escalated_to in FEEDBACK:
        records.save_feedback(FeedbackRecord(draft_id, outcome, "", escalated_to, None, "tester"))
    with sqlite3.connect(db) as c:  # save_* stamp 'now': put each record where the scenario wants it
        c.executemany("UPDATE drafts SET created_at = ? WHERE id = ?", [(d[1], d[0]) for d in DRAFTS])
        c.execute(
            "UPDATE feedback SET created_at = (SELECT strftime('%Y-%m-%dT%H:%M:%S', d.created_at) || "
            "printf('.%03d+00:00', feedback.id) FROM drafts d WHERE d.id = feedback.draft_id)"
        )
    return records


def test_only_confirmed_routes_are_exported() -> None:
    drafts = [
        {
            "id": d,
            "created_at": at,
            "masked_inquiry": t,
            "action": a,
            "destination": dest,
            "channel": "web_form",
        }
        for d, at, t, a, dest in DRAFTS
        if at < "2026-12"
    ]
    feedback = [
        {
            "id": i,
            "draft_id": d,
            "created_at": f"2026-11-30T00:00:00.{i:03d}+00:00",
            "outcome": o,
            "escalated_to": e,
        }
        for i, (d, o, e) in enumerate(FEEDBACK, start=1)
    ]
    result = labelled_from_feedback(drafts, feedback, batch="fb-2026-11")
    assert {r["inquiry"]: r["expected_destination"] or "answer" for r in result.rows} == EXPECTED
    assert [r["id"] for r in result.rows] == [f"fb-2026-11-{n:04d}" for n in range(1, 6)]
    assert result.skipped == {
        SKIP_NO_FEEDBACK: 1,
        SKIP_REJECTED: 1,
        SKIP_NO_DESTINATION: 1,
        SKIP_DUPLICATE: 1,
    }
    overridden = {
        r["draft_id"] for r in result.rows if r["recommended"] != (r["expected_destination"] or "answer")
    }
    assert overridden == {"a1_again", "o1", "o2"}
    assert "operator overrode draftdesk's route in 3" in result.summary()


def test_cli_writes_a_file_the_router_loads_and_never_overwrites_a_reviewed_one(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _store(data / "draftdesk.db")
    done = run_cli({"DRAFTDESK_DATA_DIR": str(data)}, "labelled-export", "--month", "2026-11", timeout=180)
    assert done.returncode == 0, done.stderr
    path = data / "labelled" / "fb-2026-11.jsonl"
    assert "5 labelled inquiries: answer 1, escalate 4" in done.stdout and str(path) in done.stdout
    loaded = load_labelled([path])  # the _meta line is skipped, every row validates
    assert {item.inquiry: item.route for item in loaded} == EXPECTED
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[0])["_meta"]["month"] == "2026-11"

    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a reviewer's edit
    reviewed = path.read_text(encoding="utf-8")
    again = run_cli({"DRAFTDESK_DATA_DIR": str(data)}, "labelled-export", "--month", "2026-11", timeout=180)
    assert again.returncode == 2 and "exists" in again.stderr and "--force" in again.stderr
    assert path.read_text(encoding="utf-8") == reviewed
    forced = run_cli(
        {"DRAFTDESK_DATA_DIR": str(data)}, "labelled-export", "--month", "2026-11", "--force", timeout=180
    )
    assert forced.returncode == 0 and path.read_text(encoding="utf-8") != reviewed

    december = run_cli(
        {"DRAFTDESK_DATA_DIR": str(data)},
        "labelled-export",
        "--month",
        "2026-12",
        "--out",
        str(tmp_path / "dec.jsonl"),
        timeout=180,
    )
    assert december.returncode == 0 and "1 labelled inquiries: answer 1, escalate 0" in december.stdout


@pytest.mark.parametrize("month", ["2026-13", "2026/11", "11-2026"])
def test_a_bad_month_is_named(tmp_path: Path, month: str) -> None:
    done = run_cli({"DRAFTDESK_DATA_DIR": str(tmp_path)}, "labelled-export", "--month", month, timeout=180)
    assert done.returncode == 2 and "--month" in done.stderr and month in done.stderr
    assert not (tmp_path / "labelled").exists()
