"""recommend() on one well-matching FAQ entry and no rules: what the router and the evidence checks decide."""

from __future__ import annotations

from collections.abc import Callable

from app.chunks import Chunk
from app.recommend import Decision, Evidence, recommend
from app.retrieval import Hit, IndexSnapshot
from app.routing import RoutingRule
from app.semantic_router import RouteVote


def recommend_on_one_faq(
    inquiry: str,
    vote: RouteVote,
    body: str,
    title: str = "口座の登録方法",
    question_votes: Callable[[], list[RouteVote]] | None = None,
    rules: list[RoutingRule] | None = None,
    written: str | None = None,
) -> Decision:
    faq = Chunk("faq-t-001", "faq", "faq-t-001", title, body, "faq/t.jsonl")
    return recommend(
        inquiry,
        [Hit(faq, 1.0, dense=0.95)],
        rules or [],
        IndexSnapshot(None, [faq]),
        0.5,
        Evidence(best_dense=0.95, kana_share=0.0, coverage=1.0),
        vote,
        question_votes,
        written=(lambda: written) if written is not None else None,
    )
