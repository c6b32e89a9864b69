"""SQLite records: two service workers opening one fresh database file at the same moment."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from app.storage import SQLiteRecords, enable_wal


def _hold_write_lock(db: Path) -> sqlite3.Connection:
    """What the other worker looks like while it creates the schema: a rollback-journal write in progress."""
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE IF NOT EXISTS other_worker (a)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO other_worker VALUES (1)")
    return holder


def test_opening_waits_for_the_other_workers_write_lock(tmp_path: Path) -> None:
    db = tmp_path / "records.db"
    holder = _hold_write_lock(db)
    threading.Timer(0.5, lambda: holder.execute("COMMIT")).start()

    records = SQLiteRecords(db)  # before the retry this raised "database is locked" at once

    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"drafts", "feedback", "audit", "other_worker"} <= tables
    assert records.audit_events() == []
    holder.close()


def test_a_lock_that_never_clears_still_fails_with_the_sqlite_error(tmp_path: Path) -> None:
    db = tmp_path / "records.db"
    holder = _hold_write_lock(db)
    conn = sqlite3.connect(db, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        enable_wal(conn, timeout_s=0.3)
    conn.close()
    holder.execute("ROLLBACK")
    holder.close()
