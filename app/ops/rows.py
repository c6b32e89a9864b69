"""Reading the stored rows the same way everywhere: the latest feedback of a draft, its alerts, and whether
it ended up escalated (recommended by draftdesk or done by the operator)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

Row = Mapping[str, Any]


def latest_feedback(rows: Iterable[Row]) -> dict[str, Row]:
    """An operator may give feedback more than once (accepted, then edited): the last word counts."""
    latest: dict[str, Row] = {}
    for row in sorted(rows, key=lambda r: (str(r["created_at"]), int(r.get("id") or 0))):
        latest[str(row["draft_id"])] = row
    return latest


def alert_kinds(draft: Row) -> list[str]:
    """Kinds of the alerts stored with a draft (JSON list of Alert); unreadable values count as none."""
    try:
        alerts = json.loads(draft.get("alerts") or "[]")
    except (TypeError, ValueError):
        return []
    return [str(a.get("kind", "")) for a in alerts if isinstance(a, dict) and a.get("kind")]


def is_escalated(draft: Row, feedback: Row | None) -> bool:
    """Escalated when draftdesk recommended it or the operator reported escalating it."""
    if draft.get("action") == "escalate":
        return True
    return feedback is not None and (
        feedback.get("outcome") == "escalated" or bool(feedback.get("escalated_to"))
    )


def destination(draft: Row, feedback: Row | None) -> str:
    """Where it went: what the operator reported, else what draftdesk recommended, else 'unknown'."""
    if feedback is not None and feedback.get("escalated_to"):
        return str(feedback["escalated_to"])
    return str(draft.get("destination") or "unknown")


def created(row: Row) -> datetime:
    return datetime.fromisoformat(str(row["created_at"]))
