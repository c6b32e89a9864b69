"""The draft pipeline: mask → retrieve → recommend → draft → validate citations → mask again. Pure
orchestration; each engine sits behind its own interface and is built once per process."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from app.alerts import FailureDetector, send_webhook
from app.drafting.base import DraftContext, Drafter, DraftOutput, Source
from app.drafting.citations import MARKER, check_citations
from app.drafting.extractive import ExtractiveDrafter, answer_text
from app.drafting.llm import LLMDrafter
from app.embeddings import Embedder, build_aux_embedder, build_embedder
from app.instructions import has_instructions, without_instructions
from app.labelled import LabelledInquiry, load_labelled
from app.masking import Masker, MaskingError, MaskResult, build_masker, scrub_structured
from app.native_threads import limit_blas_threads
from app.recommend import KANA_RULES_MIN_SHARE, NOTE_OPS, Decision, Evidence, recommend
from app.reloading import Reloading
from app.rerank import LinearReranker
from app.retrieval import Hit, HybridRetriever, IndexSnapshot, RetrievalResult, embedded_text
from app.routing import RoutingRule, load_rules
from app.schemas import Alert, Citation, Draft, DraftRequest, Recommendation
from app.semantic_router import LabelledText, RouteVote, SemanticRouter, load_examples
from app.settings import Settings
from app.store import KnowledgeStore
from app.textnorm import char_bigrams, nfkc
from app.vector_cache import cached_texts, source_fingerprint, text_key

log = logging.getLogger("draftdesk.service")


class InquiryError(ValueError):
    """Bad inquiry input; the message says what is wrong."""


@dataclass
class DraftTrace:
    """What evaluation needs beyond the public contract."""

    draft: Draft
    retrieved_ids: list[str] = field(default_factory=list)
    retrieved_source_ids: list[str] = field(default_factory=list)
    invalid_citations: int = 0
    uncited_sentences: int = 0
    mask: MaskResult | None = None


class DraftService:
    def __init__(
        self,
        settings: Settings,
        masker: Masker | None = None,
        embedder: Embedder | None = None,
        store: KnowledgeStore | None = None,
    ) -> None:
        self.settings = settings
        self._masker = masker
        self.embedder = embedder or build_embedder(settings)
        self.store = store or KnowledgeStore(settings, self.embedder)
        self.retriever = HybridRetriever(
            self.store,
            self.embedder,
            rrf_k=settings.rrf_k,
            aux_embedder=build_aux_embedder(settings),
            aux_cache_dir=settings.data_dir / "aux-cache",
            reranker=LinearReranker.load() if settings.rerank else None,
        )
        self.rules: list[RoutingRule] = load_rules(settings.knowledge_dir / "routing" / "rules.yaml")
        self.extractive = ExtractiveDrafter(settings.prompts_dir)
        self.route_examples = load_examples(settings.knowledge_dir / "routing")
        self.labelled: list[LabelledInquiry] = load_labelled(settings.labelled_inquiries)
        self._router_override: SemanticRouter | None = None
        self.detector = FailureDetector(
            settings.alert_threshold, settings.alert_window_minutes * 60, settings.alert_similarity
        )
        self._routers: Reloading[IndexSnapshot, SemanticRouter] = Reloading(
            self._build_router, "semantic router"
        )
        # Masking and retrieval are CPU-bound Python: past a few at once, threads only fight over the GIL.
        self._cpu_slots: AbstractContextManager[Any] = (
            threading.BoundedSemaphore(settings.cpu_slots) if settings.cpu_slots > 0 else nullcontext()
        )

    @property
    def masker(self) -> Masker:
        if self._masker is None:
            self._masker = build_masker(self.settings.mask_engine)
        return self._masker

    @cached_property
    def llm(self) -> Drafter | None:
        if not self.settings.llm_configured():
            return None
        return LLMDrafter(self.settings)

    def router(self) -> SemanticRouter:
        """Built per index version: the FAQ questions of the active version are the 'answer' neighbours. After a
        re-index the new router is built in the background; requests keep using the previous one."""
        if self._router_override is not None:
            return self._router_override
        snapshot = self.retriever.snapshot()
        return self._routers.get(snapshot.name, snapshot)

    def learned_from(self, inquiry: str) -> bool:
        """Whether the route classifier learned from this inquiry (a labelled inquiry, as received)."""
        return text_key(inquiry) in self.router().labelled_keys

    @contextmanager
    def held_out(self, inquiries: Iterable[str]) -> Iterator[None]:
        """Route with a classifier that never saw these labelled inquiries, for a cross-fitted evaluation.
        Evaluation only: the override is process-wide."""
        self._router_override = self.router().without(frozenset(text_key(i) for i in inquiries))
        try:
            yield
        finally:
            self._router_override = None

    def _build_router(self, snapshot: IndexSnapshot) -> SemanticRouter:
        # The 'answer' side: FAQ questions and the citizens' phrasings recorded for FAQ entries and for the
        # notes that answer by redirecting (only those carry aliases: knowledge/SCHEMA.md).
        questions = [
            c.text for c in snapshot.chunks if c.kind in ("faq", "internal") and c.extra.get("alias")
        ]
        return SemanticRouter(
            self.route_examples,
            questions,
            self.embedder,
            self.settings.data_dir / "router-cache",
            aux_embedder=self.retriever.aux_embedder,
            labelled=self._labelled_texts(),
        )

    def _labelled_texts(self) -> list[LabelledText]:
        texts = self.router_texts([item.inquiry for item in self.labelled])
        return [
            LabelledText(text_key(item.inquiry), text, item.route)
            for text, item in zip(texts, self.labelled, strict=True)
        ]

    def router_texts(self, inquiries: Sequence[str], use: str = "labelled") -> list[str]:
        """Inquiries as received, as retrieval would embed them and the router learns them: masked, text aimed
        at the assistant left out. Cached on disk per `use` (a cache file keeps exactly the texts of its last
        call, so eval.select_labelled names its own)."""
        return cached_texts(
            [text_key(raw) for raw in inquiries],
            list(inquiries),
            lambda raw: embedded_text(without_instructions(self.masker.mask(raw).text)),
            self.settings.data_dir / "router-cache",
            f"{use}-{self.settings.mask_engine}",
            _masked_text_version(),
        )

    def _question_votes(self, result: RetrievalResult) -> list[RouteVote]:
        """The router on each question sentence that is not the whole inquiry (a preamble dropped out)."""
        router = self.router()
        votes: list[RouteVote] = []
        for question in result.questions:
            if question == result.query_text:
                continue
            vector = result.question_vectors.get(question)
            if vector is None:
                vector = self.embedder.embed_query(question)
            vote = router.vote(vector, question)
            if vote is not None:
                votes.append(vote)
        return votes

    def category_of(self, draft: Draft) -> str:
        """The topic a stored draft is counted under in reports: the category of the first cited source that
        has one (FAQ categories such as ログイン or 公金受取口座), else 未分類."""
        by_id = self.retriever.snapshot().by_id
        for citation in draft.citations:
            chunk = by_id.get(citation.id)
            if chunk is not None and chunk.category:
                return chunk.category
        return "未分類"

    def warm_up(self) -> None:
        """Load the masker, the embedder and the index before the first request."""
        self.masker.mask("ウォームアップ 090-0000-0000")
        self.retriever.snapshot()
        self.router()
        self.embedder.embed_query("ウォームアップ")
        limit_blas_threads(self.settings.blas_threads)

    def ready(self) -> dict[str, bool]:
        return {"masker": self._masker is not None, "index": bool(self.retriever.snapshot().chunks)}

    def _validate(self, request: DraftRequest) -> None:
        if not request.inquiry.strip():
            raise InquiryError("inquiry is empty")
        if len(request.inquiry) > self.settings.max_inquiry_chars:
            raise InquiryError(
                f"inquiry is {len(request.inquiry)} characters; the limit is "
                f"{self.settings.max_inquiry_chars} (DRAFTDESK_MAX_INQUIRY_CHARS)"
            )

    def draft(self, request: DraftRequest, mode: str | None = None) -> Draft:
        return self.trace(request, mode).draft

    def trace(
        self, request: DraftRequest, mode: str | None = None, on_delta: Callable[[str], None] | None = None
    ) -> DraftTrace:
        """The whole pipeline; `on_delta` receives the LLM's text as it streams (llm mode only)."""
        self._validate(request)
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        with self._cpu_slots:
            try:
                mask = self.masker.mask(request.inquiry)
            except MaskingError as exc:
                raise InquiryError(str(exc)) from exc
            timings["mask"] = _ms(t0)
            t = time.perf_counter()
            # What the citizen asks, without text aimed at the assistant.
            query = without_instructions(mask.text)
            result = self.retriever.retrieve(query, k=self.settings.retrieval_top_k)
            timings["retrieve"] = _ms(t)
        t = time.perf_counter()
        snapshot = self.retriever.snapshot()
        evidence = Evidence(result.best_dense, result.kana_share, result.coverage)
        decision = recommend(
            query,
            result.hits,
            self.rules,
            snapshot,
            self.settings.min_answer_score,
            evidence,
            self.router().vote(result.query_vector, result.query_text)
            if result.query_vector is not None
            else None,
            lambda: self._question_votes(result),
            lambda sentence: sources_for_sentence(result, sentence),
            lambda: (
                snapshot.kana_terms.written_form(query) if result.kana_share >= KANA_RULES_MIN_SHARE else None
            ),
        )
        draft_id = f"d_{uuid.uuid4().hex[:16]}"
        alerts: list[Alert] = []
        failure = self.detector.observe(time.time(), draft_id, mask.text, result.query_vector)
        if failure is not None:  # several reports of the same error: a suspected failure outranks everything
            alerts.append(Alert(kind="suspected_failure", severity="critical", message=failure.message()))
            reason = f"障害の疑い（{failure.key} の問合せが{len(failure.draft_ids)}件）。運用保守事業者へエスカレーションしてください"
            decision = Decision(
                Recommendation(action="escalate", destination="ops_vendor", confidence=0.95, reason=reason),
                NOTE_OPS,
            )
            if failure.webhook_state == "new":
                send_webhook(failure, self.settings.alert_webhook_url)
        rec = decision.recommendation
        hits, topics_hits, supplement_hits = _with_route_note(result.hits, result.topics, decision, snapshot)
        sources, topics = _number_sources(hits, topics_hits)
        supplements = [s for s in sources if s.chunk.id in {h.chunk.id for h in supplement_hits}]
        ctx = DraftContext(mask.text, result.language, topics, sources, rec, supplements)
        if has_instructions(mask.text):
            alerts.append(
                Alert(
                    kind="prompt_injection",
                    severity="info",
                    message="問合せに指示文のような記述があります。通常の問合せとして扱いました",
                )
            )
        output = self._run_drafter(ctx, mode or self.settings.draft_mode, alerts, on_delta)
        rec = output.recommendation or rec
        check = check_citations(output.text, {s.number for s in sources})
        if check.invalid:
            alerts.append(
                Alert(
                    kind="invalid_citation",
                    message=f"存在しない出典番号を削除しました: {' '.join(check.invalid)}",
                )
            )
        if check.uncited_sentences and output.mode == "llm":
            alerts.append(
                Alert(
                    kind="uncited_sentence",
                    message=f"出典のない文が{len(check.uncited_sentences)}件あります。送信前に確認してください",
                )
            )
        text, cited = _renumber(check.text, {s.number: s for s in sources})
        text = self._scrub(text, mask)
        timings["draft"] = _ms(t)
        draft = Draft(
            id=draft_id,
            masked_inquiry=mask.text,
            draft=text,
            language="en" if result.language == "en" else "ja",
            citations=[_citation(s) for s in cited],
            recommendation=rec,
            alerts=alerts,
            mode="llm" if output.mode == "llm" else "extractive",
            timings_ms={**timings, "total": _ms(t0)},
        )
        log.info(
            "draft %s action=%s dest=%s cited=%s",
            draft.id,
            rec.action,
            rec.destination,
            [c.id for c in draft.citations],
        )
        return DraftTrace(
            draft,
            [h.chunk.id for h in hits],
            [h.chunk.source_id for h in hits],
            check.invalid_count,
            len(check.uncited_sentences),
            mask,
        )

    def _run_drafter(
        self, ctx: DraftContext, mode: str, alerts: list[Alert], on_delta: Callable[[str], None] | None = None
    ) -> DraftOutput:
        if mode == "llm":
            if self.llm is None:
                alerts.append(
                    Alert(
                        kind="llm_unavailable",
                        severity="info",
                        message="LLMが設定されていないため、抽出型で作成しました",
                    )
                )
            else:
                try:
                    if on_delta is not None and isinstance(self.llm, LLMDrafter):
                        return self.llm.stream_draft(ctx, on_delta)
                    return self.llm.draft(ctx)
                except Exception as exc:  # any endpoint failure falls back; the operator is told
                    log.warning("llm draft failed, falling back to extractive: %s", type(exc).__name__)
                    alerts.append(
                        Alert(
                            kind="llm_fallback",
                            message=f"LLMでの作成に失敗したため抽出型で作成しました（{type(exc).__name__}）",
                        )
                    )
        return self.extractive.draft(ctx)

    def _scrub(self, text: str, mask: MaskResult) -> str:
        """Defence in depth: no value of this inquiry's PII, nor any new PII, leaves in a draft."""
        for placeholder, value in sorted(mask.mapping.items(), key=lambda kv: -len(kv[1])):
            if len(value) >= 2:
                text = text.replace(value, placeholder)
        return scrub_structured(text)


def _renumber(text: str, by_number: dict[int, Source]) -> tuple[str, list[Source]]:
    """Markers become 1..n in order of first use, so [n] is always citations[n-1]."""
    order: dict[int, int] = {}
    for m in MARKER.finditer(text):
        order.setdefault(int(m.group(1)), len(order) + 1)
    renumbered = MARKER.sub(lambda m: f"[{order[int(m.group(1))]}]", text)
    return renumbered, [by_number[n] for n in order]


def _note_hit(note_id: str, snapshot: IndexSnapshot, prefer: str, score: float) -> Hit | None:
    sections = snapshot.sections(note_id)
    if not sections:
        return None
    chunk = next((c for c in sections if prefer and prefer in c.title), sections[0])
    return Hit(chunk, score, ranks={"route": 0})


def _with_route_note(
    hits: list[Hit], topics: list[list[Hit]], decision: Decision, snapshot: IndexSnapshot
) -> tuple[list[Hit], list[list[Hit]], list[Hit]]:
    """Put the notes that document the route among the sources: an escalation quotes its note's holding
    reply; a redirect note supplements the best answer. Returns hits, topics and supplements."""
    top = hits[0].score if hits else 0.0
    escalate = decision.recommendation.action == "escalate"
    main = (
        _note_hit(decision.note_id, snapshot, "一次連絡" if escalate else "", top + 1e-6)
        if decision.note_id
        else None
    )
    extras = [h for nid in decision.extra_note_ids if (h := _note_hit(nid, snapshot, "", top)) is not None]
    notes = [h for h in (main, *extras) if h is not None]
    note_ids = {h.chunk.source_id for h in notes}
    rest = [h for h in hits if h.chunk.source_id not in note_ids]
    if escalate and main is not None:
        return [main, *extras, *rest], [[main]], extras
    if main is None:
        return hits, topics, extras
    # answer by a redirect rule: the retrieved answer leads, the redirect note follows
    return [*rest[:1], *notes, *rest[1:]], topics, notes


def _number_sources(hits: list[Hit], topics: list[list[Hit]]) -> tuple[list[Source], list[list[Source]]]:
    numbers: dict[str, Source] = {}
    ordered: list[Source] = []

    def source_for(hit: Hit) -> Source:
        if hit.chunk.id not in numbers:
            numbers[hit.chunk.id] = Source(len(numbers) + 1, hit.chunk, hit.score)
            ordered.append(numbers[hit.chunk.id])
        return numbers[hit.chunk.id]

    topic_sources = [[source_for(h) for h in topic[:3]] for topic in topics]
    for h in hits:
        source_for(h)
    return ordered, topic_sources


def _citation(source: Source) -> Citation:
    c = source.chunk
    snippet = answer_text(source)
    return Citation(
        id=c.id,
        kind=c.kind,
        title=c.title,
        source=c.url or c.source,
        snippet=snippet[:160] + ("…" if len(snippet) > 160 else ""),
        score=round(source.score, 4),
    )


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


__all__ = ["DraftService", "DraftTrace", "InquiryError", "Recommendation"]


def _masked_text_version() -> str:
    """The code that turns a labelled inquiry into the text the router learns (masking, instruction removal,
    app.retrieval.embedded_text): when any of it changes, the cached texts are made again."""
    import app.instructions
    import app.masking
    import app.retrieval
    import app.textnorm

    package = Path(app.masking.__file__).parent
    return source_fingerprint(
        [
            *package.glob("*.py"),
            Path(app.instructions.__file__),
            Path(app.retrieval.__file__),
            Path(app.textnorm.__file__),
        ]
    )


def sources_for_sentence(result: RetrievalResult, sentence: str) -> list[Hit]:
    """The hits retrieved for the question that `sentence` belongs to (the one sharing most character
    bigrams with it); the whole inquiry's hits when it asked a single question."""
    if len(result.questions) < 2 or len(result.topics) != len(result.questions):
        return result.hits
    wanted = set(char_bigrams(nfkc(sentence)))
    overlaps = [len(wanted & set(char_bigrams(question))) for question in result.questions]
    return result.topics[overlaps.index(max(overlaps))]
