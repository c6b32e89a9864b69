"""The ragas judge's LLM and embeddings: langchain-openai `ChatOpenAI` on the configured endpoint, and the
project's own embedder, so judging contacts nothing but that endpoint and downloads nothing.

ragas 0.4.3's `metrics.collections` only accept an instructor client from `llm_factory`; the single-turn
metrics (`ragas.metrics.Faithfulness` …) still take `LangchainLLMWrapper`, which is how the drafter already
reaches any OpenAI-compatible server. Token counts come from the endpoint's `usage`; nothing here calls
tiktoken (ChatOpenAI only does for `get_num_tokens*`, ragas only in test-set generation)."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

from app.embeddings import Embedder
from app.settings import Settings

if TYPE_CHECKING:
    from ragas.embeddings.base import BaseRagasEmbeddings
    from ragas.llms.base import BaseRagasLLM


class EmbedderEmbeddings(Embeddings):
    """The project's embedder as a langchain `Embeddings`. ResponseRelevancy compares the inquiry with questions
    generated from the draft — question with question — so both sides take the query form (e5 models embed
    queries and passages differently)."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self._embedder.embed_query(text).reshape(-1)]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.embed_query(t) for t in texts]


def _run_config(settings: Settings) -> Any:
    from ragas.run_config import RunConfig

    # One attempt at the ragas level: the OpenAI client already retries (llm_max_retries); ragas' default of
    # ten attempts with waits up to a minute would multiply a slow endpoint's timeout tenfold.
    return RunConfig(timeout=max(1, int(settings.llm_timeout_s)), max_retries=1, max_wait=2)


def build_judge_llm(settings: Settings, http_async_client: Any = None) -> BaseRagasLLM:
    """Same endpoint, model, key, timeout and retries as the drafter (see app/drafting/llm.py). `bypass_n` and
    `bypass_temperature` keep ragas from mutating the shared model (n, temperature) between concurrent cases
    and from relying on `n`, which Ollama and llama.cpp ignore."""
    from app.drafting.llm import build_chat_model

    chat = build_chat_model(settings, http_async_client=http_async_client)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from ragas.llms.base import LangchainLLMWrapper

        return LangchainLLMWrapper(
            chat, run_config=_run_config(settings), bypass_n=True, bypass_temperature=True
        )


def build_judge_embeddings(settings: Settings, embedder: Embedder) -> BaseRagasEmbeddings:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from ragas.embeddings.base import LangchainEmbeddingsWrapper

        return LangchainEmbeddingsWrapper(EmbedderEmbeddings(embedder), run_config=_run_config(settings))
