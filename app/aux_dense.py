"""A second dense view of the knowledge, from another embedding model, fused into retrieval.

Why: on the dev split, USE multilingual finds the right source in its top 5 for most inquiries e5 misses
(English, hiragana-only, long preambles), and it costs ~1 ms a query. Past inquiries are left out (they are
many and capped in the results anyway). Vectors are cached on disk by content hash, so a snapshot reload after
a re-index embeds only what changed."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from app.chunks import Chunk
from app.embeddings import Embedder, Matrix

AUX_KINDS = frozenset({"faq", "internal", "manual"})


class AuxDenseIndex:
    def __init__(self, embedder: Embedder, chunks: list[Chunk], cache_dir: Path | None) -> None:
        self.embedder = embedder
        self.rows = [i for i, c in enumerate(chunks) if c.kind in AUX_KINDS]
        hashes = [chunks[i].content_hash for i in self.rows]
        cached = _load(cache_dir, embedder.name)
        missing = [h for h in dict.fromkeys(hashes) if h not in cached]
        if missing:
            texts = {chunks[i].content_hash: chunks[i].text for i in self.rows}
            vectors = embedder.embed_documents([texts[h] for h in missing])
            cached.update(zip(missing, vectors, strict=True))
            _save(cache_dir, embedder.name, {h: cached[h] for h in hashes})
        dim = embedder.dim
        self.matrix: Matrix = (
            np.vstack([cached[h] for h in hashes]).astype(np.float32)
            if hashes
            else np.zeros((0, dim), dtype=np.float32)
        )

    def top(self, query: str, pool: int) -> list[tuple[int, float]]:
        """(chunk position, cosine) of the best `pool` chunks."""
        if not self.rows:
            return []
        scores = self.matrix @ self.embedder.embed_query(query)
        order = np.argsort(-scores)[:pool]
        return [(self.rows[int(j)], float(scores[int(j)])) for j in order]


def _cache_file(cache_dir: Path, name: str) -> Path:
    return cache_dir / (re.sub(r"[^A-Za-z0-9_.-]+", "_", name) + ".npz")


def _load(cache_dir: Path | None, name: str) -> dict[str, Matrix]:
    if cache_dir is None:
        return {}
    path = _cache_file(cache_dir, name)
    if not path.exists():
        return {}
    try:
        with np.load(path) as data:
            return dict(zip([str(h) for h in data["hashes"]], data["vectors"], strict=True))
    except (OSError, ValueError, KeyError):
        return {}  # a damaged cache is rebuilt


def _save(cache_dir: Path | None, name: str, vectors: dict[str, Matrix]) -> None:
    if cache_dir is None or not vectors:
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = _cache_file(cache_dir, name)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, hashes=np.array(list(vectors)), vectors=np.vstack(list(vectors.values())))
    tmp.replace(path)
