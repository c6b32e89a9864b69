"""A learned reranker over the fused candidates: a linear model on what each ranked list says about a source.

Why: reciprocal rank fusion weighs every list alike and looks only at ranks. The right source is almost always
among the first twenty candidates (dev: 0.99) but often not first; how close its dense similarity is, whether
BM25 found it in both the surface and the reading list, how many of its vectors (question, citizens' phrasings)
matched, and what kind of source it is, together place it better. The weights are fitted by
`eval/fit_reranker.py` on the dev split (never on heldout) and checked in as `app/reranker.json`; no model is
downloaded and scoring is one dot product per candidate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from app.chunks import Chunk

LISTS = ("dense", "dense_aux", "lexical", "reading")
_PER_LIST = ("best_rr", "best_value", "sum_rr")
KINDS = ("faq", "internal", "past_inquiry", "manual")
FEATURES = (
    tuple(f"{name}_{part}" for name in LISTS for part in _PER_LIST)
    + tuple(f"kind_{kind}" for kind in KINDS)
    + ("other_language", "fused_rr")
)
WEIGHTS_PATH = Path(__file__).resolve().parent / "reranker.json"
CANDIDATES = 20  # how many fused candidates are reordered


class RerankerError(ValueError):
    pass


@dataclass
class SourceSignals:
    """What the ranked lists said about one source (over all of its chunks: Q&A, question, phrasings)."""

    per_list: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(len(LISTS) * len(_PER_LIST)))

    def observe(self, list_name: str, rank: int, value: float) -> None:
        """`value`: cosine for dense lists, BM25 score relative to the list's best for lexical ones."""
        base = LISTS.index(list_name) * len(_PER_LIST)
        rr = 1.0 / (1 + rank)
        self.per_list[base] = max(self.per_list[base], rr)
        self.per_list[base + 1] = max(self.per_list[base + 1], value)
        self.per_list[base + 2] += rr


def features(chunk: Chunk, signals: SourceSignals, query_language: str, fused_position: int) -> list[float]:
    """One row of FEATURES for a candidate source."""
    kinds = [1.0 if chunk.kind == kind else 0.0 for kind in KINDS]
    other_language = 1.0 if (chunk.language == "en") != (query_language == "en") else 0.0
    return [*signals.per_list.tolist(), *kinds, other_language, 1.0 / (1 + fused_position)]


class LinearReranker:
    def __init__(self, weights: dict[str, float], intercept: float = 0.0) -> None:
        missing = [name for name in FEATURES if name not in weights]
        if missing:
            raise RerankerError(f"reranker weights lack feature(s): {', '.join(missing)}")
        self._coef = np.array([weights[name] for name in FEATURES], dtype=np.float64)
        self._intercept = intercept

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> LinearReranker:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                {str(k): float(v) for k, v in data["weights"].items()}, float(data.get("intercept", 0.0))
            )
        except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise RerankerError(f"{path}: cannot load reranker weights ({exc})") from exc

    def scores(self, rows: list[list[float]]) -> npt.NDArray[np.float64]:
        """Log-odds that each candidate is a source that answers the query."""
        if not rows:
            return np.zeros(0)
        return np.asarray(rows, dtype=np.float64) @ self._coef + self._intercept
