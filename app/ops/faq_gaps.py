"""FAQ-gap proposals: inquiries the knowledge did not serve well — escalated, answered with low confidence,
or whose draft the operator rejected or rewrote heavily — grouped by similarity of the masked inquiry. Each
group of at least `min_size` becomes a proposed FAQ entry for the Agency to approve (status
`pending_approval`); nothing is published by this module. Inputs are stored rows, masked already."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

import numpy as np

from app.embeddings import Embedder, Matrix
from app.ops import rows as R
from app.ops.clustering import centred, greedy_clusters
from app.ops.faq_text import compose_answer, faq_question
from app.ops.knowledge_profile import KnowledgeProfile
from app.ops.periods import Window
from app.retrieval import Hit, RetrievalResult
from app.textnorm import nfkc

LOW_CONFIDENCE = 0.7  # an `answer` below this is a candidate (answers start at min_answer_score, 0.5)
HEAVY_EDIT = 0.4  # normalised edit distance from the draft to the reply actually sent
STATUS = "pending_approval"
RETRIEVE_K = 10
NEW_TOPIC = "new"
_PLACEHOLDER = re.compile(r"<[A-Z_]+_\d+>")
_FAQ_ID = re.compile(r"^faq-([a-z0-9_]+)-(\d+)$")


class FaqRetriever(Protocol):
    def retrieve(self, query: str, k: int = 8, kinds: list[str] | None = None) -> RetrievalResult: ...


@dataclass(frozen=True)
class Candidate:
    draft_id: str
    created_at: datetime
    masked_inquiry: str
    reasons: tuple[str, ...]  # escalate | low_confidence | rejected | heavily_edited | escalated_by_operator
    language: str = "ja"


@dataclass(frozen=True)
class ClosestFaq:
    id: str
    question: str
    category: str
    score: float  # topic similarity to the group (same scale and threshold as the clustering)


@dataclass
class Proposal:
    id: str
    category: str
    question: str
    answer: str
    url: str
    updated: str
    release: str
    status: str
    proposal_type: str  # new (no FAQ on this topic) | related (there is one: extend it or add this entry)
    size: int
    first_half: int
    second_half: int
    trend: str  # 増加 | 減少 | 横ばい
    weekly: dict[str, int]
    reasons: dict[str, int]
    closest: ClosestFaq | None
    sources: list[str]  # knowledge quoted in the answer
    references: list[str]  # further relevant knowledge (internal notes: for the reviewer, not quoted)
    examples: list[str]  # the three most central masked inquiries, as stored
    draft_ids: list[str]
    members: list[Candidate] = field(default_factory=list)


@dataclass
class ProposalSet:
    window: Window
    generated_at: datetime
    drafts: int
    candidates: int
    similarity: dict[str, float]  # language → same-topic threshold used
    min_size: int
    proposals: list[Proposal]


def select_candidates(drafts: Iterable[R.Row], feedback: Iterable[R.Row]) -> list[Candidate]:
    """Drafts that show a gap. Suspected failures are outages, not missing knowledge: left out."""
    latest = R.latest_feedback(feedback)
    out: list[Candidate] = []
    for d in drafts:
        if "suspected_failure" in R.alert_kinds(d):
            continue
        fb = latest.get(str(d["id"]))
        reasons: list[str] = []
        if d.get("action") == "escalate":
            reasons.append("escalate")
        elif float(d.get("confidence") or 0.0) < LOW_CONFIDENCE:
            reasons.append("low_confidence")
        if fb is not None:
            if fb.get("outcome") == "rejected":
                reasons.append("rejected")
            if fb.get("edit_distance") is not None and float(fb["edit_distance"]) >= HEAVY_EDIT:
                reasons.append("heavily_edited")
            if d.get("action") != "escalate" and (fb.get("outcome") == "escalated" or fb.get("escalated_to")):
                reasons.append("escalated_by_operator")
        if reasons:
            out.append(
                Candidate(
                    str(d["id"]),
                    R.created(d),
                    str(d["masked_inquiry"]),
                    tuple(reasons),
                    str(d.get("language") or "ja"),
                )
            )
    return out


def embedding_text(masked: str) -> str:
    """Placeholders carry no topic (every inquiry may have <PERSON_1>): they are dropped before embedding."""
    return re.sub(r"\s+", " ", _PLACEHOLDER.sub(" ", nfkc(masked))).strip() or masked


def _trend(first: int, second: int) -> str:
    if second >= 1.5 * first and second - first >= 2:
        return "増加"
    if first >= 1.5 * second and first - second >= 2:
        return "減少"
    return "横ばい"


def _weekly(members: Sequence[Candidate]) -> dict[str, int]:
    weeks = Counter(f"{c.created_at.isocalendar()[0]}-W{c.created_at.isocalendar()[1]:02d}" for c in members)
    return dict(sorted(weeks.items()))


class _Numbering:
    """faq-<topic>-NNN ids after the highest number the index (or this run) uses for the topic."""

    def __init__(self, known: Iterable[str]) -> None:
        self._last: dict[str, int] = {}
        for faq_id in known:
            if m := _FAQ_ID.match(faq_id):
                self._last[m.group(1)] = max(self._last.get(m.group(1), 0), int(m.group(2)))

    def next(self, topic: str) -> str:
        self._last[topic] = self._last.get(topic, 0) + 1
        return f"faq-{topic}-{self._last[topic]:03d}"


def _relevant(
    result: RetrievalResult, profile: KnowledgeProfile, centroid: Matrix, language: str, threshold: float
) -> list[tuple[Hit, float]]:
    """Retrieved chunks on the group's topic (as similar to it as its members are to each other), closest
    first. Retrieval finds the candidates; the topic similarity decides, because retrieval scores say how
    well a chunk answers one text, not whether it covers the topic of the whole group."""
    scored: list[tuple[Hit, float]] = []
    for hit in result.hits:
        sim = profile.topic_similarity(hit.chunk, centroid, language)
        if sim is not None and sim >= threshold:
            scored.append((hit, sim))
    return sorted(scored, key=lambda pair: -pair[1])


def _groups(
    candidates: list[Candidate],
    embedder: Embedder,
    profile: KnowledgeProfile,
    threshold: float,
    min_size: int,
) -> Iterator[tuple[list[Candidate], Matrix]]:
    """Groups of one language (all candidates passed are of it) of at least `min_size`, largest first, with
    their unit centroid."""
    texts = [embedding_text(c.masked_inquiry) for c in candidates]
    unique = list(dict.fromkeys(texts))  # the same short inquiry recurs: embed it once
    vectors = embedder.embed_documents(unique)
    row = {text: i for i, text in enumerate(unique)}
    unit = centred(vectors[[row[t] for t in texts]], profile.centre(candidates[0].language))
    for cluster in greedy_clusters(unit, threshold):
        if len(cluster) < min_size:
            return  # largest first
        centroid = unit[cluster].mean(axis=0)
        yield [candidates[i] for i in cluster], centroid / (np.linalg.norm(centroid) or 1.0)


def find_gaps(
    drafts: Sequence[R.Row],
    feedback: Sequence[R.Row],
    window: Window,
    embedder: Embedder,
    retriever: FaqRetriever,
    profile: KnowledgeProfile,
    *,
    min_size: int = 3,
    similarity: float | None = None,
    today: date,
    generated_at: datetime,
) -> ProposalSet:
    """Candidates of the window → groups per language → proposals, largest first."""
    in_window = [d for d in drafts if window.start <= R.created(d) < window.end]
    candidates = select_candidates(in_window, feedback)
    by_language: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_language.setdefault(c.language, []).append(c)
    thresholds = {
        lang: similarity if similarity is not None else profile.threshold(lang) for lang in by_language
    }
    found: list[tuple[list[Candidate], Matrix, str]] = [
        (members, centroid, lang)
        for lang, group in sorted(by_language.items())
        for members, centroid in _groups(group, embedder, profile, thresholds[lang], min_size)
    ]
    found.sort(key=lambda g: (-len(g[0]), g[0][0].draft_id))
    numbering = _Numbering(profile.faq_ids)
    proposals = [
        _proposal(members, centroid, lang, thresholds[lang], retriever, profile, numbering, window, today)
        for members, centroid, lang in found
    ]
    return ProposalSet(window, generated_at, len(in_window), len(candidates), thresholds, min_size, proposals)


def _proposal(
    members: list[Candidate],
    centroid: Matrix,
    language: str,
    threshold: float,
    retriever: FaqRetriever,
    profile: KnowledgeProfile,
    numbering: _Numbering,
    window: Window,
    today: date,
) -> Proposal:
    question = faq_question(members[0].masked_inquiry)
    result = retriever.retrieve(question, k=RETRIEVE_K, kinds=["faq", "manual", "internal"])
    scored = _relevant(result, profile, centroid, language, threshold)
    faq = next(((h, sim) for h, sim in scored if h.chunk.kind == "faq"), None)
    closest = (
        ClosestFaq(faq[0].chunk.source_id, faq[0].chunk.title, faq[0].chunk.category, round(faq[1], 4))
        if faq
        else None
    )
    answer, sources = compose_answer(question, scored)
    references = [h.chunk.source_id for h, _ in scored if h.chunk.source_id not in sources]
    first = sum(1 for c in members if c.created_at < window.middle)
    known = _FAQ_ID.match(closest.id) if closest else None
    return Proposal(
        id=numbering.next(known.group(1) if known else NEW_TOPIC),
        category=closest.category if closest and closest.category else "（要設定）",
        question=question,
        answer=answer,
        url="",
        updated=today.isoformat(),
        release="",
        status=STATUS,
        proposal_type="related" if closest else "new",
        size=len(members),
        first_half=first,
        second_half=len(members) - first,
        trend=_trend(first, len(members) - first),
        weekly=_weekly(members),
        reasons=dict(Counter(r for c in members for r in c.reasons).most_common()),
        closest=closest,
        sources=sources,
        references=list(dict.fromkeys(references)),
        examples=[c.masked_inquiry for c in members[:3]],
        draft_ids=[c.draft_id for c in members],
        members=members,
    )
