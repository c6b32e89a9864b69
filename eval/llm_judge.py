"""LLM-judged ragas metrics for `draftdesk eval`, only when an LLM endpoint is configured:

- `ragas_faithfulness`: share of the draft's statements the retrieved sources support (ragas Faithfulness);
- `ragas_response_relevancy`: does the draft answer the inquiry (ResponseRelevancy: a question generated from
  the draft, compared with the inquiry by the project's embedder);
- `ragas_llm_context_precision`: are the sources useful for the reference answer ranked first
  (LLMContextPrecisionWithReference, over the first `max_contexts` sources offered to the drafter).

Only masked text is sent (masked inquiry, scrubbed draft, knowledge); this inquiry's PII values are replaced by
their placeholders once more before sending. Cases and metrics are independent: a malformed reply, a timeout
or an endpoint error leaves that score NaN, counts in `llm_judge_errors`, and the run goes on."""

from __future__ import annotations

import asyncio
import logging
import math
import warnings
from collections.abc import Coroutine, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from app.embeddings import Embedder
from app.settings import Settings
from app.textnorm import nfkc

if TYPE_CHECKING:
    from app.chunks import Chunk
    from app.service import DraftTrace

METRICS = {
    "ragas_faithfulness": "Faithfulness (draft statements supported by the sources)",
    "ragas_response_relevancy": "Response relevancy (the draft answers the inquiry)",
    "ragas_llm_context_precision": "LLM context precision (useful sources ranked first)",
}
T = TypeVar("T")


@dataclass(frozen=True)
class JudgeOptions:
    """Bounds on cost and time. A case costs about 3 + max_contexts calls (more when ragas asks a model to fix
    a malformed reply)."""

    limit: int = 0  # judge only the first N cases (0 = every case drafted)
    concurrency: int = 4  # cases judged at once
    timeout_s: float = 120.0  # per metric and case, ragas' format-fixing retries included
    max_contexts: int = 5  # context precision makes one call per source


@dataclass
class JudgeCase:
    id: str
    user_input: str  # the masked inquiry
    response: str  # the draft as returned (already scrubbed)
    contexts: list[str]  # source texts in the order offered to the drafter
    reference: str = ""
    # placeholder -> value of this inquiry's PII: values found in any text are put back to placeholders
    pii: dict[str, str] = field(default_factory=dict, repr=False)


@dataclass
class JudgeResult:
    id: str
    scores: dict[str, float]  # NaN: not measured (error, or nothing to judge)
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """JSON has no NaN: an unmeasured score is null."""
        row: dict[str, Any] = {k: None if math.isnan(v) else v for k, v in self.scores.items()}
        if self.errors:
            row["errors"] = self.errors
        return row


def case_from_trace(
    case_id: str, trace: DraftTrace, chunks: Mapping[str, Chunk], reference: str, max_contexts: int = 5
) -> JudgeCase:
    """What the judge sees of one drafted case: the sources the drafter was offered, best first."""
    contexts = [chunks[cid].text for cid in trace.retrieved_ids if cid in chunks][:max_contexts]
    return JudgeCase(
        case_id,
        trace.draft.masked_inquiry,
        trace.draft.draft,
        contexts,
        reference,
        dict(trace.mask.mapping) if trace.mask else {},
    )


def summarize(results: list[JudgeResult]) -> dict[str, float]:
    """Means over the measured cases; a metric no case could measure is left out (the report says so)."""
    out = {
        "llm_judge_cases": float(len(results)),
        "llm_judge_errors": float(sum(len(r.errors) for r in results)),
    }
    for key in METRICS:
        values = [r.scores[key] for r in results if not math.isnan(r.scores.get(key, math.nan))]
        if values:
            out[key] = sum(values) / len(values)
    return out


def judge(
    cases: list[JudgeCase], settings: Settings, embedder: Embedder, options: JudgeOptions | None = None
) -> list[JudgeResult]:
    """Score every case; with no endpoint configured nothing is attempted and nothing returned."""
    if not settings.llm_configured() or not cases:
        return []
    opts = options or JudgeOptions()
    with _quiet():
        return _run(_judge_all(cases, settings, embedder, opts))


def _scrub(text: str, pii: dict[str, str]) -> str:
    for placeholder, value in sorted(pii.items(), key=lambda kv: -len(kv[1])):
        for variant in {value, nfkc(value)}:
            if len(variant.strip()) >= 2:
                text = text.replace(variant, placeholder)
    return text


def _samples(case: JudgeCase) -> dict[str, Any]:
    """The ragas sample per metric; None where there is nothing to judge (no draft, sources or reference)."""
    from ragas import SingleTurnSample

    def s(text: str) -> str:
        return _scrub(text, case.pii)

    question, response = s(case.user_input), s(case.response)
    contexts = [s(c) for c in case.contexts]
    has_draft = bool(response.strip())
    return {
        "ragas_faithfulness": SingleTurnSample(
            user_input=question, response=response, retrieved_contexts=contexts
        )
        if has_draft and contexts
        else None,
        "ragas_response_relevancy": SingleTurnSample(user_input=question, response=response)
        if has_draft
        else None,
        "ragas_llm_context_precision": SingleTurnSample(
            user_input=question, retrieved_contexts=contexts, reference=s(case.reference)
        )
        if contexts and case.reference.strip()
        else None,
    }


def _metrics(llm: Any, embeddings: Any) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from ragas.metrics import Faithfulness, LLMContextPrecisionWithReference, ResponseRelevancy

    return {
        "ragas_faithfulness": Faithfulness(llm=llm),
        # One generated question per draft (ragas' default is 3 at a higher temperature via `n`): a third of
        # the cost, and endpoints that ignore `n` behave the same.
        "ragas_response_relevancy": ResponseRelevancy(llm=llm, embeddings=embeddings, strictness=1),
        "ragas_llm_context_precision": LLMContextPrecisionWithReference(llm=llm),
    }


async def _judge_case(case: JudgeCase, metrics: dict[str, Any], timeout_s: float) -> JudgeResult:
    result = JudgeResult(case.id, {})
    for key, sample in _samples(case).items():
        result.scores[key] = math.nan
        if sample is None:
            continue
        try:
            value = float(await metrics[key].single_turn_ascore(sample, timeout=timeout_s))
        except Exception as exc:  # any failure costs this score only
            result.errors.append(f"{key}: {type(exc).__name__}: {str(exc)[:160]}".rstrip(": "))
            continue
        # cosine similarity can fall below 0 or exceed 1 by rounding; average precision divides by sum + 1e-10
        result.scores[key] = value if math.isnan(value) else min(1.0, max(0.0, value))
    return result


async def _judge_all(
    cases: list[JudgeCase], settings: Settings, embedder: Embedder, opts: JudgeOptions
) -> list[JudgeResult]:
    import httpx

    from eval.judge_models import build_judge_embeddings, build_judge_llm

    # Our own client, closed when done: langchain-openai's shared default client would outlive this event loop.
    async with httpx.AsyncClient(timeout=settings.llm_timeout_s) as client:
        metrics = _metrics(build_judge_llm(settings, client), build_judge_embeddings(settings, embedder))
        gate = asyncio.Semaphore(max(1, opts.concurrency))

        async def one(case: JudgeCase) -> JudgeResult:
            async with gate:
                return await _judge_case(case, metrics, opts.timeout_s)

        return list(await asyncio.gather(*(one(c) for c in cases)))


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run, also from code that already runs an event loop (then in a worker thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


@contextmanager
def _quiet() -> Iterator[None]:
    """ragas logs every unparseable reply at ERROR and warns about its deprecated wrappers; the judge counts
    failures itself, so the eval's output stays readable."""
    log = logging.getLogger("ragas")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            yield
    finally:
        log.setLevel(level)
