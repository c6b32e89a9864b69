"""Evaluation metrics: small pure functions, each tested. Character-level text metrics, because the default
BLEU/ROUGE tokenisers drop or mis-split Japanese."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from app.textnorm import nfkc

DESTINATIONS = ("answer", "agency", "ops_vendor", "ministry", "ask_agency")


# --- retrieval ----------------------------------------------------------------------------------------
def hit_at_k(retrieved: Sequence[str], gold: Sequence[str], k: int) -> float:
    return 1.0 if set(retrieved[:k]) & set(gold) else 0.0


def reciprocal_rank(retrieved: Sequence[str], gold: Sequence[str], k: int = 10) -> float:
    for rank, rid in enumerate(retrieved[:k], start=1):
        if rid in gold:
            return 1.0 / rank
    return 0.0


# --- draft content ------------------------------------------------------------------------------------
def _norm(text: str) -> str:
    return re.sub(r"\s+", "", nfkc(text)).lower()


def key_fact_coverage(draft: str, key_facts: Sequence[str]) -> float:
    """Share of key facts present; a fact is 'a|b|c' alternatives, matched after NFKC without spaces."""
    if not key_facts:
        return 1.0
    text = _norm(draft)
    hits = sum(1 for fact in key_facts if any(_norm(alt) and _norm(alt) in text for alt in fact.split("|")))
    return hits / len(key_facts)


def char_ngrams(text: str, n: int) -> Counter[str]:
    t = _norm(text)
    return Counter(t[i : i + n] for i in range(len(t) - n + 1))


def chrf(hypothesis: str, reference: str, max_n: int = 6, beta: float = 2.0) -> float:
    """chrF (character n-gram F-score, averaged over n=1..6), in 0..1."""
    precisions, recalls = [], []
    for n in range(1, max_n + 1):
        hyp, ref = char_ngrams(hypothesis, n), char_ngrams(reference, n)
        if not hyp or not ref:
            continue
        overlap = sum((hyp & ref).values())
        precisions.append(overlap / sum(hyp.values()))
        recalls.append(overlap / sum(ref.values()))
    if not precisions:
        return 0.0
    p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    if p == 0 and r == 0:
        return 0.0
    return (1 + beta**2) * p * r / (beta**2 * p + r)


def char_bleu(hypothesis: str, reference: str, max_n: int = 4) -> float:
    """BLEU over characters (geometric mean of n-gram precisions with a brevity penalty), in 0..1."""
    hyp_len, ref_len = len(_norm(hypothesis)), len(_norm(reference))
    if hyp_len == 0 or ref_len == 0:
        return 0.0
    logs = []
    for n in range(1, max_n + 1):
        hyp, ref = char_ngrams(hypothesis, n), char_ngrams(reference, n)
        total = sum(hyp.values())
        if total == 0:
            return 0.0
        logs.append(math.log(max(sum((hyp & ref).values()), 1e-9) / total))
    penalty = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    return penalty * math.exp(sum(logs) / max_n)


def citation_precision(cited_source_ids: Sequence[str], gold: Sequence[str]) -> float:
    """Share of cited sources that are gold sources (1.0 when nothing is cited)."""
    if not cited_source_ids:
        return 1.0
    return sum(1 for c in cited_source_ids if c in gold) / len(cited_source_ids)


def leaked_values(text: str, values: Sequence[str]) -> list[str]:
    """Masked values (of this inquiry) that appear in an output: each is a PII leak."""
    norm = _norm(text)
    return [v for v in values if len(_norm(v)) >= 3 and _norm(v) in norm]


# --- decisions ----------------------------------------------------------------------------------------
def label(action: str, destination: str | None) -> str:
    return "answer" if action == "answer" else (destination or "ask_agency")


def confusion(expected: Sequence[str], predicted: Sequence[str]) -> dict[str, dict[str, int]]:
    matrix = {e: dict.fromkeys(DESTINATIONS, 0) for e in DESTINATIONS}
    for e, p in zip(expected, predicted, strict=True):
        matrix.setdefault(e, dict.fromkeys(DESTINATIONS, 0))[p] = matrix[e].get(p, 0) + 1
    return matrix


@dataclass(frozen=True)
class DecisionScores:
    accuracy: float
    escalation_precision: float
    escalation_recall: float
    destination_accuracy: float


def decision_scores(expected: Sequence[str], predicted: Sequence[str]) -> DecisionScores:
    """Labels are 'answer' or a destination. Accuracy on answer/escalate; destination among true escalations."""
    pairs = list(zip(expected, predicted, strict=True))
    if not pairs:
        return DecisionScores(0.0, 0.0, 0.0, 0.0)
    correct = sum(1 for e, p in pairs if (e == "answer") == (p == "answer"))
    pred_esc = [(e, p) for e, p in pairs if p != "answer"]
    true_esc = [(e, p) for e, p in pairs if e != "answer"]
    tp = sum(1 for e, p in pairs if e != "answer" and p != "answer")
    return DecisionScores(
        accuracy=correct / len(pairs),
        escalation_precision=tp / len(pred_esc) if pred_esc else 1.0,
        escalation_recall=tp / len(true_esc) if true_esc else 1.0,
        destination_accuracy=sum(1 for e, p in true_esc if e == p) / len(true_esc) if true_esc else 1.0,
    )


def reliability(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = 5
) -> list[tuple[float, float, int]]:
    """Calibration curve: (mean confidence, accuracy, count) per confidence bin."""
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, c in enumerate(confidences) if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if idx:
            out.append(
                (
                    sum(confidences[i] for i in idx) / len(idx),
                    sum(correct[i] for i in idx) / len(idx),
                    len(idx),
                )
            )
    return out


def expected_calibration_error(confidences: Sequence[float], correct: Sequence[bool], bins: int = 5) -> float:
    n = len(confidences)
    if n == 0:
        return 0.0
    return sum(cnt / n * abs(conf - acc) for conf, acc, cnt in reliability(confidences, correct, bins))


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[idx]
