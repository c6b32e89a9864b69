"""The learned reranker: its weights file, its features, and that the retriever really reorders by it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from app.rerank import FEATURES, LISTS, LinearReranker, RerankerError, SourceSignals
from app.retrieval import HybridRetriever
from app.service import DraftService
from eval.fit_reranker import Query, fit, main


def test_shipped_weights_cover_every_feature() -> None:
    reranker = LinearReranker.load()
    assert reranker.scores([[0.0] * len(FEATURES)]).shape == (1,)


def test_weights_missing_a_feature_are_rejected_by_name(tmp_path: Path) -> None:
    path = tmp_path / "reranker.json"
    path.write_text(json.dumps({"weights": {"fused_rr": 1.0}}), encoding="utf-8")
    with pytest.raises(RerankerError, match="dense_best_rr"):
        LinearReranker.load(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(RerankerError, match=str(path)):
        LinearReranker.load(path)


def test_signals_keep_the_best_rank_and_value_per_list() -> None:
    signals = SourceSignals()
    signals.observe("dense", 3, 0.81)
    signals.observe("dense", 0, 0.86)  # the entry's question alias matched first
    signals.observe("reading", 1, 0.5)
    dense, reading = 0, LISTS.index("reading") * 3
    assert signals.per_list[dense : dense + 3].tolist() == pytest.approx([1.0, 0.86, 0.25 + 1.0])
    assert signals.per_list[reading : reading + 3].tolist() == pytest.approx([0.5, 0.5, 0.5])
    assert signals.per_list[LISTS.index("lexical") * 3] == 0.0


def test_retriever_orders_candidates_by_the_reranker(service: DraftService) -> None:
    """Weights that favour past inquiries above all must put one first; the shipped weights put the FAQ first."""
    query = "暗証番号を忘れてしまいました。どうすればよいですか"
    weights = {name: 0.0 for name in FEATURES} | {"kind_past_inquiry": 10.0}
    biased = HybridRetriever(service.store, service.embedder, rrf_k=15, reranker=LinearReranker(weights))
    first = biased.retrieve(query).hits[0]
    assert first.chunk.kind == "past_inquiry" and first.rerank is not None
    shipped = service.retriever.retrieve(query).hits[0]
    assert shipped.chunk.kind == "faq" and shipped.chunk.source_id.startswith("faq-pin-")


def test_fit_learns_which_signal_marks_the_answer() -> None:
    """Synthetic candidates where only the reading list's best value tells the answer apart."""
    rng = np.random.default_rng(0)
    column = FEATURES.index("reading_best_value")
    queries = []
    for i in range(60):
        rows = rng.uniform(0.0, 1.0, size=(10, len(FEATURES)))
        gold = int(rng.integers(1, 10))  # never first in fused order
        rows[:, column] = 0.2
        rows[gold, column] = 0.9
        sources = [f"s{i}-{j}" for j in range(10)]
        queries.append(Query(f"q{i}", sources, rows.tolist(), {sources[gold]}))
    model, figures = fit(queries)
    assert figures["fused_hit_at_1"] == 0.0
    assert figures["cv_hit_at_1"] >= 0.9
    assert model.coef_[0][column] > 0


def test_fit_refuses_heldout() -> None:
    with pytest.raises(SystemExit, match="heldout"):
        main(["--split", "heldout"])
