"""Labelled inquiries: the helpdesk's own inquiries with the route each one took (answered, or escalated to whom).

The route classifier learns from them beside the hand-written routing examples. Why: examples are written one
phrasing at a time and rules match the phrasings someone has seen; labelled inquiries carry the helpdesk's real
mix of how-to questions and look-alike escalations. Measured on batches no rule had seen (docs/decisions.md,
2026-12-04 "labelled inquiries"), this lifted escalation recall from 0.855 to 0.945 at the same precision.

Format: the evaluation case format (one JSON object per line; `inquiry`, `expected_action`,
`expected_destination`; other fields are ignored), so a QA lead's labelled set is usable as it is. The heldout
split must never be listed: it is the measure, and the harness refuses to score cases the router learned from.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from app.schemas import Action, Destination


class LabelledInquiryError(ValueError):
    pass


class LabelledInquiry(BaseModel):
    model_config = ConfigDict(extra="ignore")

    inquiry: str
    expected_action: Action
    expected_destination: Destination | None = None

    @model_validator(mode="after")
    def _destination_matches_action(self) -> LabelledInquiry:
        if (self.expected_action == "escalate") != (self.expected_destination is not None):
            raise ValueError("expected_destination is required for 'escalate' and must be null for 'answer'")
        if not self.inquiry.strip():
            raise ValueError("inquiry is empty")
        return self

    @property
    def route(self) -> str:
        """The router's label: 'answer' or the escalation destination."""
        return self.expected_destination or "answer"


def load_labelled(paths: Sequence[Path]) -> list[LabelledInquiry]:
    """Every file in order; a missing file or a bad line is an error naming the file and line."""
    out: list[LabelledInquiry] = []
    for path in paths:
        if not path.is_file():
            raise LabelledInquiryError(
                f"{path}: labelled inquiries file not found (DRAFTDESK_LABELLED_INQUIRIES)"
            )
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                if isinstance(raw, dict) and "_meta" in raw:
                    continue
                out.append(LabelledInquiry.model_validate(raw))
            except json.JSONDecodeError as exc:
                raise LabelledInquiryError(f"{path} line {lineno}: not JSON ({exc.msg})") from exc
            except ValidationError as exc:
                fields = ", ".join(".".join(str(p) for p in e["loc"]) or "record" for e in exc.errors())
                first = exc.errors()[0]["msg"]
                raise LabelledInquiryError(f"{path} line {lineno} field {fields}: {first}") from exc
    return out
