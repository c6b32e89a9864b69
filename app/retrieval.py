"""Hybrid retrieval: dense vectors in Chroma + BM25 over Japanese bigrams, fused by reciprocal rank fusion,
deduplicated per source, with per-question retrieval for inquiries that ask several things."""

from __future__ import annotations

import logging
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from app.aux_dense import AuxDenseIndex
from app.chunks import Chunk
from app.embeddings import Embedder
from app.kana_terms import KanaTerms
from app.lexical import BM25Index
from app.reloading import Reloading
from app.rerank import CANDIDATES, LinearReranker, SourceSignals, features
from app.store import KnowledgeStore
from app.textnorm import char_bigrams, detect_language, nfkc, telegram_katakana_as_hiragana

_QUESTION_HINT = re.compile(
    r"[?？]|ですか|ますか|でしょうか|ませんか|教えて|知りたい|どう(すれば|したら|やって)|なぜ|何で|なんで|できない|できません|"
    r"られない|られません|わからない|分からない|どこ|いつ(?!も)|ください|how|what|why|where|can i|cannot|can't",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[。！？!?\n])|(?<=\.\s)")
_PLACEHOLDER = re.compile(r"<[A-Z_]+_\d+>")


def embedded_text(masked_query: str) -> str:
    """What retrieval and the router embed: the masked inquiry without placeholders, NFKC-normalised, an
    all-katakana inquiry in hiragana."""
    return telegram_katakana_as_hiragana(nfkc(_PLACEHOLDER.sub(" ", masked_query)))


# Past inquiries and manual pages support an answer; the curated FAQ and notes should lead it.
log = logging.getLogger("draftdesk.retrieval")
KIND_WEIGHT = {"faq": 1.0, "internal": 0.85, "manual": 0.75, "past_inquiry": 0.5}
MAX_PAST = 2


@dataclass
class Hit:
    chunk: Chunk
    score: float  # fused RRF score
    dense: float = 0.0  # cosine similarity
    lexical: float = 0.0  # BM25 score
    ranks: dict[str, int] = field(default_factory=dict)
    rerank: float | None = None  # the reranker's log-odds, when it reordered this hit


@dataclass
class RetrievalResult:
    hits: list[Hit]
    topics: list[list[Hit]]  # one ranked list per question found in the inquiry
    language: str
    best_dense: float = 0.0  # the highest cosine similarity of any chunk: the main evidence signal
    kana_share: float = 0.0  # share of hiragana in the query (dense similarity runs lower for kana-only text)
    coverage: float = 1.0  # share of the query's kanji/katakana bigrams found in the top hits
    query_vector: Any = None  # embedding of the whole inquiry (reused by the semantic router)
    query_text: str = ""  # the text that was embedded: the inquiry without placeholders, NFKC-normalised
    # The question sentences of the inquiry (without preamble), for routing each question on its own; the
    # embeddings already computed for them (multi-question inquiries) are kept to be reused.
    questions: list[str] = field(default_factory=list)
    question_vectors: dict[str, Any] = field(default_factory=dict)


class Retriever(Protocol):
    def retrieve(self, query: str, k: int = 8, kinds: list[str] | None = None) -> RetrievalResult: ...


_CONTENT = re.compile(r"^[一-龥々ァ-ヴー]{2}$")
_GENERIC = {
    "方法",
    "手続",
    "教え",
    "確認",
    "利用",
    "登録",
    "場合",
    "必要",
    "問合",
    "質問",
    "今日",
    "来年",
    "現在",
}


def content_coverage(query: str, hits: list[Hit]) -> float:
    """How much of what the inquiry is about (its kanji/katakana bigrams) the top hits talk about at all.
    Low for topics the knowledge does not cover (宝くじ, 株式投資); 1.0 when the query has no such bigrams."""
    grams = {g for g in char_bigrams(query) if _CONTENT.match(g) and g not in _GENERIC}
    if not grams:
        return 1.0
    text = nfkc(" ".join(h.chunk.text for h in hits))
    return sum(1 for g in grams if g in text) / len(grams)


def _feature_rows(head: list[Hit], signals: dict[str, SourceSignals], query: str) -> list[list[float]]:
    """The reranker's features of the first fused candidates, in fused order (serving and fitting alike)."""
    language = detect_language(query)
    return [features(h.chunk, signals[h.chunk.source_id], language, i) for i, h in enumerate(head)]


def in_reply_language(hits: list[Hit], language: str) -> list[Hit]:
    """English entries last for a Japanese inquiry: a Japanese reply cannot quote them, and their Japanese
    phrasings otherwise let them outrank the Japanese entry on the same topic. (An English inquiry keeps
    Japanese entries: the English reply quotes them with a note that the source is in Japanese.)"""
    if language == "en":
        return hits
    return sorted(hits, key=lambda h: h.chunk.language == "en")


def split_questions(text: str) -> list[str]:
    """The question-like sentences of an inquiry (long preambles and greetings drop out)."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) >= 6]
    questions = [s for s in sentences if _QUESTION_HINT.search(s)]
    return questions[:4]


class IndexSnapshot:
    """Everything lexical retrieval needs in memory, built from the active Chroma version."""

    def __init__(self, name: str | None, chunks: list[Chunk], aux: AuxDenseIndex | None = None) -> None:
        self.name = name
        self.chunks = chunks
        self.aux = aux
        self.by_id = {c.id: c for c in chunks}
        self.position = {c.id: i for i, c in enumerate(chunks)}
        self.bm25 = BM25Index([c.text for c in chunks])
        self._corpus: str | None = None
        self._kana_terms: KanaTerms | None = None

    @property
    def kana_terms(self) -> KanaTerms:
        """Built on first use (about a second of Sudachi over the knowledge), then kept with the snapshot."""
        if self._kana_terms is None:
            self._kana_terms = KanaTerms(c.text for c in self.chunks if not c.extra.get("alias"))
        return self._kana_terms

    def sections(self, source_id: str) -> list[Chunk]:
        """The chunks of one source as a draft may quote them (its recorded phrasings left out)."""
        return [c for c in self.chunks if c.source_id == source_id and not c.extra.get("alias")]

    def corpus_text(self) -> str:
        """All indexed text, upper-cased, for checks such as 'is this error code documented?'."""
        if self._corpus is None:
            self._corpus = nfkc("\n".join(c.text for c in self.chunks)).upper()
        return self._corpus


class HybridRetriever:
    def __init__(
        self,
        store: KnowledgeStore,
        embedder: Embedder,
        rrf_k: int = 60,
        refresh_s: float = 5.0,
        aux_embedder: Embedder | None = None,
        aux_cache_dir: Path | None = None,
        reranker: LinearReranker | None = None,
    ) -> None:
        self._store = store
        self._reranker = reranker
        self._embedder = embedder
        self.aux_embedder = aux_embedder
        self._aux_cache_dir = aux_cache_dir
        self._rrf_k = rrf_k
        self._refresh_s = refresh_s
        self._snapshots: Reloading[str | None, IndexSnapshot] = Reloading(self._build, "index snapshot")
        self._checked = 0.0

    def snapshot(self) -> IndexSnapshot:
        """The in-memory index of the active version. Every few seconds a request checks whether a re-index
        switched the version; the new snapshot (seconds of tokenising) is then built in the background."""
        current = self._snapshots.current()
        now = time.monotonic()
        if current is not None and now - self._checked < self._refresh_s:
            return current
        self._checked = now
        name = self._store.active_name()
        return self._snapshots.get(name, name)

    def _build(self, name: str | None) -> IndexSnapshot:
        chunks = self._store.load_chunks()
        aux = (
            AuxDenseIndex(self.aux_embedder, chunks, self._aux_cache_dir)
            if self.aux_embedder is not None
            else None
        )
        snapshot = IndexSnapshot(name, chunks, aux)
        # Built here, off the request path: a re-index builds its snapshot in the background.
        _ = snapshot.kana_terms
        return snapshot

    def _candidates(
        self,
        query: str,
        snap: IndexSnapshot,
        k: int,
        where: dict[str, Any] | None,
        kinds: list[str] | None,
        vector: Any,
    ) -> tuple[list[Hit], dict[str, SourceSignals], float]:
        """One hit per source in fused order, what each list said about each source, and the best dense
        similarity seen (evidence for the recommendation)."""
        pool = max(k * 4, 30)
        fused: dict[str, Hit] = {}
        signals: dict[str, SourceSignals] = defaultdict(SourceSignals)

        def add(list_name: str, ranked: list[tuple[Chunk, float]]) -> None:
            top = ranked[0][1] if ranked and ranked[0][1] > 0 else 1.0
            for rank, (chunk, value) in enumerate(ranked):
                hit = fused.setdefault(chunk.id, Hit(chunk, 0.0))
                hit.ranks[list_name] = rank
                if list_name == "dense":
                    hit.dense = value
                elif list_name == "lexical":
                    hit.lexical = value
                hit.score += KIND_WEIGHT.get(chunk.kind, 1.0) / (self._rrf_k + rank + 1)
                relative = value / top if list_name in ("lexical", "reading") else value
                signals[chunk.source_id].observe(list_name, rank, relative)

        # An FAQ entry has several vectors (Q&A, question, citizens' phrasings): ask for more to keep `pool`
        # distinct sources.
        dense = self._store.query(vector, pool * 2, where, name=snap.name)
        best_dense = dense[0][1] if dense else 0.0
        add("dense", [(snap.by_id[cid], sim) for cid, sim in dense if cid in snap.by_id])
        if snap.aux is not None:
            add(
                "dense_aux",
                [
                    (snap.chunks[i], sim)
                    for i, sim in snap.aux.top(query, pool * 2)
                    if not kinds or snap.chunks[i].kind in kinds
                ],
            )
        # Words cannot match across languages: for an English question the lexical lists can only find the
        # handful of English FAQ entries, whatever the topic, and they crowded out the Japanese entry that
        # answers it (dev: English hit@5 0.86 with them, 0.91 without). The dense models are multilingual.
        lexical_lists = (
            []
            if detect_language(query) == "en"
            else [("lexical", snap.bm25.surface_scores(query)), ("reading", snap.bm25.reading_scores(query))]
        )
        for list_name, scores in lexical_lists:
            ranked: list[tuple[Chunk, float]] = []
            for idx in np.argsort(-scores)[:pool]:
                if scores[idx] <= 0:
                    break
                chunk = snap.chunks[int(idx)]
                if not kinds or chunk.kind in kinds:
                    ranked.append((chunk, float(scores[idx])))
            add(list_name, ranked)
        best: dict[str, Hit] = {}
        for hit in sorted(fused.values(), key=lambda h: -h.score):
            if hit.chunk.source_id in best:
                continue  # one chunk per source
            if hit.chunk.extra.get("alias") and hit.chunk.source_id in snap.by_id:
                hit.chunk = snap.by_id[hit.chunk.source_id]  # a question alias stands for its entry
            best[hit.chunk.source_id] = hit
        return sorted(best.values(), key=lambda h: -h.score), signals, best_dense

    def candidate_features(self, query: str, k: int = 8) -> list[tuple[str, list[float]]]:
        """(source id, reranker features) of the fused candidates, in fused order: what the reranker is fitted
        on (eval/fit_reranker.py), computed by the same code that serves."""
        snap = self.snapshot()
        clean = embedded_text(query)
        if not snap.chunks:
            return []
        hits, signals, _ = self._candidates(clean, snap, k, None, None, self._embedder.embed_query(clean))
        head = hits[:CANDIDATES]
        return list(zip([h.chunk.source_id for h in head], _feature_rows(head, signals, clean), strict=True))

    def _rank(
        self,
        query: str,
        snap: IndexSnapshot,
        k: int,
        where: dict[str, Any] | None,
        kinds: list[str] | None,
        vector: Any = None,
    ) -> tuple[list[Hit], float]:
        """Ranked hits and the best dense similarity seen (evidence for the recommendation)."""
        vector = self._embedder.embed_query(query) if vector is None else vector
        ranked_hits, signals, best_dense = self._candidates(query, snap, k, where, kinds, vector)
        if self._reranker is not None and ranked_hits:
            head = ranked_hits[:CANDIDATES]
            scores = self._reranker.scores(_feature_rows(head, signals, query))
            order = np.argsort(-scores, kind="stable")
            for i in order:
                head[int(i)].rerank = float(scores[int(i)])
            ranked_hits = [head[int(i)] for i in order] + ranked_hits[CANDIDATES:]
        # Past inquiries repeat the same questions many times: at most two of them in the results.
        out: list[Hit] = []
        past = 0
        for hit in ranked_hits:
            if hit.chunk.kind == "past_inquiry":
                past += 1
                if past > MAX_PAST:
                    continue
            out.append(hit)
            if len(out) == k:
                break
        return out, best_dense

    def _rank_written(
        self,
        text: str,
        vector: Any,
        snap: IndexSnapshot,
        k: int,
        where: dict[str, Any] | None,
        kinds: list[str] | None,
    ) -> tuple[list[Hit], float]:
        """`_rank` on the text with its hiragana written as the knowledge writes it. For the search only: the
        router keeps the inquiry's own vector (its labelled texts are embedded unrewritten). The text's vector
        is reused when nothing was rewritten; a rewritten text is embedded anew."""
        written = snap.kana_terms.rewrite(text)
        return self._rank(written, snap, k, where, kinds, vector if written == text else None)

    def retrieve(self, query: str, k: int = 8, kinds: list[str] | None = None) -> RetrievalResult:
        snap = self.snapshot()
        language = detect_language(_PLACEHOLDER.sub("", query))
        if not snap.chunks:
            return RetrievalResult([], [], language)
        where: dict[str, Any] | None = {"kind": {"$in": kinds}} if kinds else None
        clean = embedded_text(query)
        vector = self._embedder.embed_query(clean)
        hits, best = self._rank_written(clean, vector, snap, k, where, kinds)
        hits = in_reply_language(hits, language)
        topics = [hits]
        questions = split_questions(clean)
        question_vectors: list[tuple[str, Any]] = []
        if len(questions) >= 2:
            question_vectors = [(q, self._embedder.embed_query(q)) for q in questions]
            ranked = [self._rank_written(q, v, snap, k, where, kinds) for q, v in question_vectors]
            topics = [in_reply_language(r[0], language) for r in ranked]
            best = max([best, *(r[1] for r in ranked)])
            seen = {h.chunk.source_id for h in hits}
            for topic in topics:
                for h in topic[:1]:
                    if h.chunk.source_id not in seen:
                        hits.append(h)
                        seen.add(h.chunk.source_id)
        letters = [c for c in clean if c.isalpha()]
        kana = sum(1 for c in letters if "\u3041" <= c <= "\u309f") / len(letters) if letters else 0.0
        return RetrievalResult(
            hits,
            topics,
            language,
            best,
            kana,
            content_coverage(clean, hits[:3]),
            vector,
            clean,
            questions,
            dict(question_vectors),
        )
