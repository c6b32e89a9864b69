"""The vector store: Chroma, local (PersistentClient) or a server (HttpClient), with versioned collections.

A re-index builds a new collection version and only then points the registry at it, so a crash or kill -9
mid-ingest leaves the previous version serving. Our embedding function is registered on every collection,
so reopening one never falls back to Chroma's default (which downloads an ONNX model).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import numpy as np

from app.chunks import Chunk
from app.embeddings import Embedder, Matrix
from app.settings import Settings

REGISTRY = "registry"

log = logging.getLogger(__name__)


class StoreError(RuntimeError):
    pass


class IndexMismatchError(StoreError):
    pass


def _make_ef_class() -> type:
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
    from chromadb.utils.embedding_functions import register_embedding_function

    class DraftdeskEmbeddingFunction(EmbeddingFunction[Documents]):
        """Chroma-side handle on our embedder; we always pass embeddings ourselves, this is the guard."""

        def __init__(self, embedder: Embedder | None = None, model: str = "") -> None:
            self._embedder = embedder
            self._model = model or (embedder.name if embedder else "")

        def __call__(self, input: Documents) -> Embeddings:
            if self._embedder is None:
                raise StoreError("draftdesk embedding function used without an embedder")
            return list(self._embedder.embed_documents(list(input)))

        @staticmethod
        def name() -> str:
            return "draftdesk"

        def get_config(self) -> dict[str, Any]:
            return {"model": self._model}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> DraftdeskEmbeddingFunction:
            return DraftdeskEmbeddingFunction(None, str(config.get("model", "")))

        def default_space(self) -> Any:
            return "cosine"

    register_embedding_function(DraftdeskEmbeddingFunction)
    return DraftdeskEmbeddingFunction


_EF_CLASS: type | None = None


def embedding_function(embedder: Embedder) -> Any:
    global _EF_CLASS
    if _EF_CLASS is None:
        _EF_CLASS = _make_ef_class()
    return _EF_CLASS(embedder)


def make_client(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        m = re.match(r"^(https?)://([^:/]+)(?::(\d+))?", settings.chroma_url)
        if not m:
            raise StoreError(f"DRAFTDESK_CHROMA_URL is not a URL: {settings.chroma_url!r}")
        return chromadb.HttpClient(
            host=m.group(2), port=int(m.group(3) or 8000), ssl=m.group(1) == "https", settings=chroma_settings
        )
    path = settings.resolved_chroma_path()
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class KnowledgeStore:
    """Chunks, their embeddings and the pointer to the active version."""

    def __init__(self, settings: Settings, embedder: Embedder, client: Any | None = None) -> None:
        self._settings = settings
        self._embedder = embedder
        self._client = client or make_client(settings)
        self._prefix = settings.collection_prefix
        self._ef = embedding_function(embedder)
        self._handles: dict[str, Any] = {}

    # --- registry -------------------------------------------------------------------------------
    def _registry(self) -> Any:
        return self._client.get_or_create_collection(
            f"{self._prefix}_{REGISTRY}", embedding_function=self._ef
        )

    def active_name(self) -> str | None:
        meta = self._registry().metadata or {}
        name = meta.get("active")
        return str(name) if name else None

    def active_release(self) -> str:
        meta = self._registry().metadata or {}
        return str(meta.get("release", ""))

    def set_active(self, name: str, release: str) -> None:
        reg = self._registry()
        meta = dict(reg.metadata or {})
        meta.update({"active": name, "release": release})
        meta.pop("hnsw:space", None)
        reg.modify(metadata=meta)

    def version_names(self) -> list[str]:
        names = [c if isinstance(c, str) else c.name for c in self._client.list_collections()]
        pattern = re.compile(rf"^{re.escape(self._prefix)}_v(\d+)$")
        return sorted((n for n in names if pattern.match(n)), key=lambda n: int(n.rsplit("_v", 1)[1]))

    def next_version_name(self) -> str:
        versions = self.version_names()
        last = int(versions[-1].rsplit("_v", 1)[1]) if versions else 0
        return f"{self._prefix}_v{last + 1}"

    # --- collections ------------------------------------------------------------------------------
    def open(self, name: str) -> Any:
        collection = self._client.get_collection(name, embedding_function=self._ef)
        meta = collection.metadata or {}
        model = meta.get("embedding_model")
        if model and model != self._embedder.name:
            raise IndexMismatchError(
                f"the index {name!r} was built with embedding model {model!r} (dim {meta.get('embedding_dim')}), "
                f"but the configured model is {self._embedder.name!r}: run `draftdesk ingest --rebuild` to rebuild it"
            )
        self._widen_search(collection)
        return collection

    def _widen_search(self, collection: Any) -> None:
        """Versions built before `vector_ef_search` existed search with Chroma's default breadth; ef_search is the
        one HNSW setting Chroma lets an existing collection change, so they are brought up to it here."""
        wanted = self._settings.vector_ef_search
        hnsw = (getattr(collection, "configuration", None) or {}).get("hnsw") or {}
        if hnsw.get("ef_search", wanted) >= wanted:
            return
        try:
            collection.modify(configuration={"hnsw": {"ef_search": wanted}})
        except Exception as exc:  # a read-only server: search as built, and say so
            log.warning(
                "could not widen the vector search of %s to ef_search=%d: %s", collection.name, wanted, exc
            )

    def create_version(self, name: str, release: str) -> Any:
        return self._client.create_collection(
            name,
            embedding_function=self._ef,
            configuration={"hnsw": {"space": "cosine", "ef_search": self._settings.vector_ef_search}},
            metadata={
                "embedding_model": self._embedder.name,
                "embedding_dim": self._embedder.dim,
                "release": release,
            },
        )

    def drop(self, name: str) -> None:
        self._client.delete_collection(name)

    def active(self) -> Any | None:
        name = self.active_name()
        return self.open(name) if name else None

    # --- data ---------------------------------------------------------------------------------------
    @staticmethod
    def iter_all(
        collection: Any, include_embeddings: bool = False, batch: int = 2000
    ) -> Iterator[dict[str, Any]]:
        include = ["documents", "metadatas"] + (["embeddings"] if include_embeddings else [])
        offset = 0
        while True:
            page = collection.get(include=include, limit=batch, offset=offset)
            ids = page["ids"]
            if not ids:
                return
            for i, cid in enumerate(ids):
                row = {"id": cid, "document": page["documents"][i], "metadata": page["metadatas"][i]}
                if include_embeddings:
                    row["embedding"] = page["embeddings"][i]
                yield row
            offset += len(ids)

    @staticmethod
    def add(collection: Any, chunks: list[Chunk], embeddings: Matrix | list[Any], batch: int = 1000) -> None:
        for i in range(0, len(chunks), batch):
            part = chunks[i : i + batch]
            collection.add(
                ids=[c.id for c in part],
                documents=[c.text for c in part],
                metadatas=[c.to_metadata() for c in part],
                embeddings=[np.asarray(e, dtype=np.float32) for e in embeddings[i : i + batch]],
            )

    def load_chunks(self) -> list[Chunk]:
        collection = self.active()
        if collection is None:
            return []
        return [Chunk.from_metadata(r["id"], r["metadata"]) for r in self.iter_all(collection)]

    def get_chunk(self, chunk_id: str) -> Chunk | None:
        collection = self.active()
        if collection is None:
            return None
        page = collection.get(ids=[chunk_id], include=["metadatas"])
        if not page["ids"]:
            return None
        return Chunk.from_metadata(page["ids"][0], page["metadatas"][0])

    def query(
        self, vector: Matrix, k: int, where: dict[str, Any] | None = None, name: str | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks in version `name` (the retriever's snapshot; default: the active one). Handles of
        versions are kept, so a query costs one call to Chroma, not three."""
        name = name or self.active_name()
        if not name:
            return []
        kwargs: dict[str, Any] = {
            "query_embeddings": [np.asarray(vector, dtype=np.float32)],
            "n_results": k,
            "where": where or None,
            "include": ["distances"],
        }
        collection = self._handles.get(name)
        if collection is None:
            collection = self._handles[name] = self.open(name)
        try:
            res = collection.query(**kwargs)
        except Exception:  # the version was dropped by a re-index: use the active one
            self._handles.pop(name, None)
            active = self.active()
            if active is None:
                return []
            res = active.query(**kwargs)
        hits = [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)]
        # Chunks with the same vector (past inquiries worded alike) tie; the graph's walk orders ties by chance.
        return sorted(hits, key=lambda hit: (-round(hit[1], 6), hit[0]))
