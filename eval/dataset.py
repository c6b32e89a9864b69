"""The labelled evaluation set (eval/datasets/{dev,heldout}.jsonl), validated at load time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from app.schemas import Action, Channel, Destination

DATASETS = Path(__file__).resolve().parent / "datasets"
Split = Literal["dev", "heldout"]


class EvalCase(BaseModel):
    id: str
    inquiry: str = Field(..., min_length=1)
    channel: Channel = "web_form"
    style: list[str] = Field(default_factory=list)
    category: str = ""
    expected_action: Action
    expected_destination: Destination | None = None
    gold_ids: list[str] = Field(default_factory=list)
    reference_answer: str = ""
    key_facts: list[str] = Field(default_factory=list)


class DatasetError(ValueError):
    pass


def load_split(split: str, root: Path = DATASETS) -> list[EvalCase]:
    """One split; `all` is dev followed by heldout (for timing and overall figures, never for tuning)."""
    if split == "all":
        return load_split("dev", root) + load_split("heldout", root)
    path = root / f"{split}.jsonl"
    if not path.exists():
        raise DatasetError(f"no evaluation split {split!r} ({path} is missing)")
    cases: list[EvalCase] = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            if "_meta" in raw:
                continue
            cases.append(EvalCase.model_validate(raw))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise DatasetError(f"{path} line {lineno}: {exc}") from exc
    ids = [c.id for c in cases]
    if len(ids) != len(set(ids)):
        raise DatasetError(f"{path}: duplicate case ids")
    return cases
