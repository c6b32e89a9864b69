"""Semantic routing: nearest neighbours among labelled example inquiries (knowledge/routing/examples.yaml)
and the FAQ questions. Regex rules are precise but brittle — citizens phrase the same failure or policy
question in endless ways; the router recognises the kind of inquiry from its meaning.

Examples and FAQ questions are embedded once per model and cached on disk (data_dir/router-cache)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from app.embeddings import Embedder, Matrix

ROUTES = ("answer", "agency", "ops_vendor", "ministry", "ask_agency")


class RouterExamplesError(ValueError):
    pass


@dataclass(frozen=True)
class RouteVote:
    route: str  # the winning route
    share: float  # its share of the neighbour weight (0..1)
    best_escalation: float  # highest similarity to an escalation example
    best_answer: float  # highest similarity to an answerable example or FAQ question


def load_examples(routing_dir: Path) -> list[tuple[str, str]]:
    """Every examples*.yaml in the routing folder (knowledge managers may add files per release)."""
    out: list[tuple[str, str]] = []
    for path in sorted(routing_dir.glob("examples*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for i, ex in enumerate(data.get("examples", []), start=1):
            text, route = str(ex.get("text", "")).strip(), ex.get("route")
            if not text or route not in ROUTES:
                raise RouterExamplesError(
                    f"{path} example {i}: needs 'text' and a 'route' in {ROUTES} (got {route!r})"
                )
            out.append((text, str(route)))
    return out


class SemanticRouter:
    def __init__(
        self,
        examples: list[tuple[str, str]],
        faq_questions: list[str],
        embedder: Embedder,
        cache_dir: Path | None = None,
        k: int = 7,
    ) -> None:
        self._labels = [r for _, r in examples] + ["answer"] * len(faq_questions)
        texts = [t for t, _ in examples] + faq_questions
        self._k = k
        self._matrix = self._embed(texts, embedder, cache_dir)

    @staticmethod
    def _embed(texts: list[str], embedder: Embedder, cache_dir: Path | None) -> Matrix:
        digest = hashlib.sha256(("\x1f".join([embedder.name, *texts])).encode("utf-8")).hexdigest()[:20]
        cache = cache_dir / f"router-{digest}.npy" if cache_dir else None
        if cache is not None and cache.exists():
            return np.load(cache)
        if not texts:
            return np.zeros((0, embedder.dim), dtype=np.float32)
        matrix = np.stack([embedder.embed_query(t) for t in texts]).astype(np.float32)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(".tmp.npy")
            np.save(tmp, matrix)
            tmp.replace(cache)
        return matrix

    def vote(self, query_vector: Matrix) -> RouteVote | None:
        if self._matrix.shape[0] == 0:
            return None
        sims = self._matrix @ np.asarray(query_vector, dtype=np.float32)
        top = np.argsort(-sims)[: self._k]
        weight: dict[str, float] = defaultdict(float)
        for i in top:
            weight[self._labels[int(i)]] += float(np.exp(40.0 * (sims[int(i)] - sims[int(top[0])])))
        route = max(weight, key=lambda r: weight[r])
        total = sum(weight.values())
        esc = [float(s) for s, lab in zip(sims, self._labels, strict=True) if lab != "answer"]
        ans = [float(s) for s, lab in zip(sims, self._labels, strict=True) if lab == "answer"]
        return RouteVote(route, weight[route] / total, max(esc, default=0.0), max(ans, default=0.0))
