"""What FAQ-gap grouping needs from the active index, read once: the index's vectors, their centre per language,
the same-topic threshold per language and the FAQ ids in use.

Per language because a Japanese and an English inquiry about the same thing are far apart in the embedding,
and English inquiries about different things are close to each other seen from the (Japanese) centre of the
whole index: each language is centred on its own knowledge."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.chunks import Chunk, question_alias_id
from app.embeddings import Matrix
from app.ops.clustering import FALLBACK_THRESHOLD, MIN_FAQS_FOR_QUANTILE, centred, threshold_from_questions

ALL = ""  # key of the whole index, the fallback for a language with little knowledge
MIN_CHUNKS_FOR_CENTRE = 10


@dataclass(frozen=True)
class KnowledgeProfile:
    raw: dict[str, Matrix]  # chunk id → vector as stored (FAQ questions alone: `<faq id>~q`)
    centres: dict[str, Matrix]  # language (or ALL) → mean vector
    thresholds: dict[str, float]  # language (or ALL) → same-topic threshold
    faq_ids: frozenset[str]

    @classmethod
    def from_rows(cls, rows: Iterable[dict[str, Any]]) -> KnowledgeProfile:
        """Rows as `KnowledgeStore.iter_all(collection, include_embeddings=True)` yields them."""
        chunks: dict[str, Chunk] = {}
        raw: dict[str, Matrix] = {}
        for row in rows:
            chunks[row["id"]] = Chunk.from_metadata(row["id"], row["metadata"])
            raw[row["id"]] = np.asarray(row["embedding"], dtype=np.float32)
        centres: dict[str, Matrix] = {}
        thresholds: dict[str, float] = {}
        groups: dict[str, list[str]] = {ALL: list(chunks)}
        for cid, chunk in chunks.items():
            groups.setdefault(chunk.language, []).append(cid)
        for language, ids in groups.items():
            if len(ids) < MIN_CHUNKS_FOR_CENTRE and language != ALL:
                continue
            centre = np.mean([raw[i] for i in ids], axis=0).astype(np.float32)
            questions = [
                raw[i] for i in ids if chunks[i].kind == "faq" and chunks[i].extra.get("alias") == "question"
            ]
            centres[language] = centre
            if questions and (len(questions) >= MIN_FAQS_FOR_QUANTILE or language == ALL):
                thresholds[language] = threshold_from_questions(centred(np.stack(questions), centre))
        return cls(
            raw, centres, thresholds, frozenset(c.source_id for c in chunks.values() if c.kind == "faq")
        )

    def centre(self, language: str) -> Matrix | None:
        return self.centres.get(language, self.centres.get(ALL))

    def threshold(self, language: str) -> float:
        return self.thresholds.get(language, self.thresholds.get(ALL, FALLBACK_THRESHOLD))

    def topic_similarity(self, chunk: Chunk, centroid: Matrix, language: str) -> float | None:
        """How close a retrieved chunk is to a group (unit centroid, centred for `language`), on the same scale
        as the clustering: a FAQ entry by its question alone."""
        vector = self.raw.get(question_alias_id(chunk.source_id)) if chunk.kind == "faq" else None
        if vector is None:
            vector = self.raw.get(chunk.id)
        if vector is None:
            return None
        return float(centred(vector[None, :], self.centre(language))[0] @ centroid)
