"""A second dense view of the knowledge, from another embedding model, fused into retrieval.

Why: on the dev split, USE multilingual finds the right source in its top 5 for most inquiries e5 misses
(English, hiragana-only, long preambles), and it costs ~1 ms a query. Past inquiries are left out (they are
many and capped in the results anyway). Vectors are cached on disk by content hash, so a snapshot reload after
a re-index embeds only what changed."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.chunks import Chunk
from app.embeddings import Embedder, Matrix
from app.vector_cache import cached_vectors

AUX_KINDS = frozenset({"faq", "internal", "manual"})


class AuxDenseIndex:
    def __init__(self, embedder: Embedder, chunks: list[Chunk], cache_dir: Path | None) -> None:
        self.embedder = embedder
        self.rows = [i for i, c in enumerate(chunks) if c.kind in AUX_KINDS]
        self.matrix: Matrix = cached_vectors(
            [chunks[i].content_hash for i in self.rows],
            [chunks[i].text for i in self.rows],
            embedder.embed_documents,
            cache_dir,
            embedder.name,
            embedder.dim,
        )

    def top(self, query: str, pool: int) -> list[tuple[int, float]]:
        """(chunk position, cosine) of the best `pool` chunks."""
        if not self.rows:
            return []
        scores = self.matrix @ self.embedder.embed_query(query)
        order = np.argsort(-scores)[:pool]
        return [(self.rows[int(j)], float(scores[int(j)])) for j in order]
