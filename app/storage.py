"""Drafts, feedback and audit events. SQLite (WAL) by default; the `Records` interface is what a PostgreSQL
implementation provides (see docs/deploy.md). Everything written here is masked before it arrives."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from app.schemas import Draft

SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
  id TEXT PRIMARY KEY, created_at TEXT NOT NULL, channel TEXT NOT NULL, actor TEXT NOT NULL,
  masked_inquiry TEXT NOT NULL, draft TEXT NOT NULL, language TEXT NOT NULL,
  action TEXT NOT NULL, destination TEXT, confidence REAL NOT NULL, category TEXT NOT NULL DEFAULT '',
  top_source TEXT NOT NULL DEFAULT '', citations TEXT NOT NULL, alerts TEXT NOT NULL, mode TEXT NOT NULL,
  latency_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS drafts_created ON drafts(created_at);
CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY AUTOINCREMENT, draft_id TEXT NOT NULL REFERENCES drafts(id), created_at TEXT NOT NULL,
  actor TEXT NOT NULL, outcome TEXT NOT NULL, final_text TEXT NOT NULL DEFAULT '', escalated_to TEXT,
  edit_distance REAL
);
CREATE INDEX IF NOT EXISTS feedback_draft ON feedback(draft_id);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL,
  action TEXT NOT NULL, target TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_at ON audit(at);
"""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class FeedbackRecord:
    draft_id: str
    outcome: str
    final_text: str
    escalated_to: str | None
    edit_distance: float | None
    actor: str


class Records(Protocol):
    def save_draft(self, draft: Draft, channel: str, actor: str, category: str = "") -> None: ...
    def get_draft(self, draft_id: str) -> dict[str, Any] | None: ...
    def save_feedback(self, feedback: FeedbackRecord) -> None: ...
    def audit(self, actor: str, role: str, action: str, target: str = "", detail: str = "") -> None: ...
    def drafts_between(self, start: str, end: str) -> list[dict[str, Any]]: ...
    def feedback_between(self, start: str, end: str) -> list[dict[str, Any]]: ...
    def audit_events(self, limit: int = 100) -> list[dict[str, Any]]: ...
    def purge_before(self, cutoff: str, dry_run: bool) -> dict[str, int]: ...
    def export_all(self) -> dict[str, list[dict[str, Any]]]: ...


def normalized_edit_distance(a: str, b: str) -> float:
    """Levenshtein distance over characters divided by the longer length (0 = unchanged, 1 = rewritten)."""
    if a == b:
        return 0.0
    if not a or not b:
        return 1.0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] / max(len(a), len(b))


def enable_wal(conn: sqlite3.Connection, timeout_s: float = 30.0) -> None:
    """Switching to WAL fails at once with "database is locked", without waiting on the busy timeout, while another
    connection holds a write lock: two workers starting on a fresh file meet exactly this. So retry until the
    other side commits."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = getattr(exc, "sqlite_errorname", "") in {"SQLITE_BUSY", "SQLITE_LOCKED"}
            if not busy or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


class SQLiteRecords:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._local = threading.local()
        with self._conn() as c:
            enable_wal(c)
            c.executescript(SCHEMA)

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout=30000")
            # WAL + NORMAL: a commit survives a crash of the service; only an OS crash or power cut can lose the
            # last few commits. It saves an fsync per draft.
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        yield conn

    def save_draft(self, draft: Draft, channel: str, actor: str, category: str = "") -> None:
        rec = draft.recommendation
        with self._conn() as c:
            c.execute(
                "INSERT INTO drafts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (draft.id, now_iso(), channel, actor, draft.masked_inquiry, draft.draft, draft.language, rec.action,
                 rec.destination, rec.confidence, category, draft.citations[0].id if draft.citations else "",
                 json.dumps([ci.model_dump() for ci in draft.citations], ensure_ascii=False),
                 json.dumps([a.model_dump() for a in draft.alerts], ensure_ascii=False), draft.mode,
                 draft.timings_ms.get("total", 0.0)),
            )  # fmt: skip

    def get_draft(self, draft_id: str) -> dict[str, Any] | None:
        with self._conn() as c:
            row = c.execute("SELECT * FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        return dict(row) if row else None

    def save_feedback(self, feedback: FeedbackRecord) -> None:
        with self._conn() as c:
            c.execute(
                "INSERT INTO feedback (draft_id, created_at, actor, outcome, final_text, escalated_to, edit_distance)"
                " VALUES (?,?,?,?,?,?,?)",
                (feedback.draft_id, now_iso(), feedback.actor, feedback.outcome, feedback.final_text,
                 feedback.escalated_to, feedback.edit_distance),
            )  # fmt: skip

    def audit(self, actor: str, role: str, action: str, target: str = "", detail: str = "") -> None:
        with self._conn() as c:
            c.execute(
                "INSERT INTO audit (at, actor, role, action, target, detail) VALUES (?,?,?,?,?,?)",
                (now_iso(), actor, role, action, target, detail),
            )

    def drafts_between(self, start: str, end: str) -> list[dict[str, Any]]:
        with self._conn() as c:
            rows = c.execute(
                "SELECT * FROM drafts WHERE created_at >= ? AND created_at < ? ORDER BY created_at",
                (start, end),
            ).fetchall()
        return [dict(r) for r in rows]

    def feedback_between(self, start: str, end: str) -> list[dict[str, Any]]:
        with self._conn() as c:
            rows = c.execute(
                "SELECT * FROM feedback WHERE created_at >= ? AND created_at < ? ORDER BY created_at",
                (start, end),
            ).fetchall()
        return [dict(r) for r in rows]

    def audit_events(self, limit: int = 100) -> list[dict[str, Any]]:
        with self._conn() as c:
            rows = c.execute("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [dict(r) for r in rows]

    def purge_before(self, cutoff: str, dry_run: bool) -> dict[str, int]:
        """Delete records older than `cutoff` (ISO time); feedback goes with its draft. Dry run only counts."""
        with self._conn() as c:
            counts = {
                "drafts": c.execute("SELECT COUNT(*) FROM drafts WHERE created_at < ?", (cutoff,)).fetchone()[0],
                "feedback": c.execute(
                    "SELECT COUNT(*) FROM feedback WHERE created_at < ? OR draft_id IN "
                    "(SELECT id FROM drafts WHERE created_at < ?)", (cutoff, cutoff)).fetchone()[0],
                "audit": c.execute("SELECT COUNT(*) FROM audit WHERE at < ?", (cutoff,)).fetchone()[0],
            }  # fmt: skip
            if not dry_run:
                c.execute("BEGIN")
                c.execute(
                    "DELETE FROM feedback WHERE created_at < ? OR draft_id IN "
                    "(SELECT id FROM drafts WHERE created_at < ?)",
                    (cutoff, cutoff),
                )
                c.execute("DELETE FROM drafts WHERE created_at < ?", (cutoff,))
                c.execute("DELETE FROM audit WHERE at < ?", (cutoff,))
                c.execute("COMMIT")
        return counts

    def export_all(self) -> dict[str, list[dict[str, Any]]]:
        with self._conn() as c:
            return {
                table: [dict(r) for r in c.execute(f"SELECT * FROM {table} ORDER BY rowid")]
                for table in ("drafts", "feedback", "audit")
            }
