"""PII masking metrics on the labelled set (tests/data/pii_cases.jsonl): per-entity recall and precision,
decoy rate, latency. Recall counts a value as found when every non-space character of it is masked."""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.masking.base import MaskedSpan, Masker

DEFAULT_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "pii_cases.jsonl"


def load_cases(path: Path = DEFAULT_SET, split: str | None = None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if "_meta" not in r and (split is None or r["split"] == split)]


def covered(text: str, spans: list[MaskedSpan], value: str) -> bool:
    start = text.find(value)
    if start < 0:
        return False
    chars = [i for i in range(start, start + len(value)) if not text[i].isspace()]
    return all(any(s.start <= i < s.end for s in spans) for i in chars)


def _overlaps_gold(text: str, span: MaskedSpan, values: list[str]) -> bool:
    for v in values:
        start = text.find(v)
        while start >= 0:
            if span.start < start + len(v) and start < span.end:
                return True
            start = text.find(v, start + 1)
    return False


@dataclass
class PiiScores:
    found: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    predicted: dict[str, int] = field(default_factory=dict)
    correct: dict[str, int] = field(default_factory=dict)
    decoys: int = 0
    decoys_masked: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (case id, entity, value)
    false_masks: list[tuple[str, str]] = field(default_factory=list)  # (case id, masked text)

    def recall(self, entity: str) -> float:
        return self.found.get(entity, 0) / self.total[entity] if self.total.get(entity) else 1.0

    def precision(self, entity: str) -> float:
        return self.correct.get(entity, 0) / self.predicted[entity] if self.predicted.get(entity) else 1.0

    @property
    def overall_recall(self) -> float:
        return sum(self.found.values()) / max(1, sum(self.total.values()))

    @property
    def decoy_rate(self) -> float:
        return self.decoys_masked / self.decoys if self.decoys else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0


def score_masker(masker: Masker, cases: list[dict[str, Any]]) -> PiiScores:
    scores = PiiScores()
    for case in cases:
        text = case["text"]
        t = time.perf_counter()
        result = masker.mask(text)
        scores.latencies_ms.append((time.perf_counter() - t) * 1000)
        values = [e["value"] for e in case["entities"]]
        if case["decoy"]:
            scores.decoys += 1
            if result.spans:
                scores.decoys_masked += 1
                scores.false_masks.append((case["id"], result.text))
        for ent in case["entities"]:
            et = ent["type"]
            scores.total[et] = scores.total.get(et, 0) + 1
            if covered(text, result.spans, ent["value"]):
                scores.found[et] = scores.found.get(et, 0) + 1
            else:
                scores.misses.append((case["id"], et, ent["value"]))
        for span in result.spans:
            scores.predicted[span.entity] = scores.predicted.get(span.entity, 0) + 1
            if _overlaps_gold(text, span, values):
                scores.correct[span.entity] = scores.correct.get(span.entity, 0) + 1
            elif not case["decoy"]:
                scores.false_masks.append((case["id"], text[span.start : span.end]))
    return scores
