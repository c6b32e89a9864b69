"""The routes operators confirmed, as labelled inquiries the route classifier can learn from (app/labelled.py).

Why: measured on batches no rule had seen, labelled inquiries were the one change that carried to new phrasings
(docs/decisions.md). The helpdesk's own confirmed outcomes are the labelled data closest to what it receives, and
each month's feedback already holds them: a knowledge manager exports a month, reviews the file and lists it in
DRAFTDESK_LABELLED_INQUIRIES before the next ingest.

Only routes an operator confirmed are exported: a draft sent as it was or after edits keeps draftdesk's route; an
escalation the operator reported names its destination. A rejected draft, or an escalation without a known
destination, says nothing certain about the route and is left out (and counted). Inquiries are stored masked, so
the file holds no personal data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.ops.rows import Row, latest_feedback

SKIP_NO_FEEDBACK = "no operator feedback"
SKIP_REJECTED = "rejected, no route given"
SKIP_NO_DESTINATION = "escalated, destination not given"
SKIP_DUPLICATE = "same inquiry exported once"


@dataclass(frozen=True)
class LabelledExport:
    rows: list[dict[str, Any]]  # eval case format: app.labelled.load_labelled reads them as they are
    skipped: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        routes = Counter(str(r["expected_destination"] or "answer") for r in self.rows)
        escalated = sum(v for k, v in routes.items() if k != "answer")
        by_destination = ", ".join(f"{k} {v}" for k, v in sorted(routes.items()) if k != "answer")
        overridden = sum(1 for r in self.rows if r["recommended"] != (r["expected_destination"] or "answer"))
        skipped = ", ".join(f"{reason} {n}" for reason, n in sorted(self.skipped.items())) or "none"
        return (
            f"{len(self.rows)} labelled inquiries: answer {routes['answer']}, escalate {escalated}"
            f"{f' ({by_destination})' if by_destination else ''}; operator overrode draftdesk's route in "
            f"{overridden}; skipped: {skipped}"
        )


def confirmed_route(draft: Row, feedback: Row | None) -> str | None:
    """'answer' or a destination the operator confirmed; None when the feedback does not tell the route."""
    if feedback is None:
        return None
    if feedback.get("escalated_to"):
        return str(feedback["escalated_to"])
    recommended = recommended_route(draft)
    outcome = feedback.get("outcome")
    if outcome == "escalated":
        return recommended if recommended not in ("answer", None) else None
    if outcome in ("accepted", "edited"):
        return recommended
    return None


def recommended_route(draft: Row) -> str | None:
    """draftdesk's route for a stored draft: 'answer' or its destination (None for an escalation without one)."""
    if draft.get("action") != "escalate":
        return "answer"
    return str(draft["destination"]) if draft.get("destination") else None


def _skip_reason(feedback: Row | None) -> str:
    if feedback is None:
        return SKIP_NO_FEEDBACK
    return SKIP_NO_DESTINATION if feedback.get("outcome") == "escalated" else SKIP_REJECTED


def labelled_from_feedback(drafts: Sequence[Row], feedback: Iterable[Row], batch: str) -> LabelledExport:
    """One row per distinct masked inquiry (its latest confirmed route), ids `<batch>-NNNN`: the id's prefix is
    the batch a cross-fitted evaluation keeps together."""
    latest = latest_feedback(feedback)
    skipped: Counter[str] = Counter()
    chosen: dict[str, tuple[Row, Row, str]] = {}
    for draft in sorted(drafts, key=lambda d: str(d["created_at"])):
        fb = latest.get(str(draft["id"]))
        route = confirmed_route(draft, fb)
        if fb is None or route is None:
            skipped[_skip_reason(fb)] += 1
            continue
        text = str(draft["masked_inquiry"]).strip()
        if text in chosen:
            skipped[SKIP_DUPLICATE] += 1
        chosen[text] = (draft, fb, route)  # the later draft's route wins
    rows = []
    for n, (text, (draft, fb, route)) in enumerate(chosen.items(), start=1):
        rows.append(
            {
                "id": f"{batch}-{n:04d}",
                "inquiry": text,
                "channel": draft.get("channel", "web_form"),
                "expected_action": "answer" if route == "answer" else "escalate",
                "expected_destination": None if route == "answer" else route,
                "draft_id": draft["id"],
                "outcome": fb.get("outcome"),
                "recommended": recommended_route(draft),
            }
        )
    return LabelledExport(rows, skipped)
