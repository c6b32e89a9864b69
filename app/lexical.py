"""BM25 over character bigrams, twice: over the surface text, and over its Sudachi reading in hiragana, so
that hiragana-only inquiries and kanji-conversion typos still meet the kanji in the knowledge. The two are
separate ranked lists for reciprocal rank fusion (mixing them dilutes both)."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
from scipy import sparse

from app import sudachi
from app.textnorm import char_bigrams, nfkc, to_hiragana

K1 = 1.2
B = 0.75


def reading(text: str) -> str:
    """Hiragana reading of the text (Sudachi), e.g. 暗証番号 → あんしょうばんごう."""
    return to_hiragana("".join(m.reading_form() for _, m in sudachi.morphemes(text)))


def normalized_words(text: str) -> list[str]:
    """Sudachi's dictionary forms (見れない → 見る, ログイン出来ない → 出来る), punctuation dropped: words as a
    classifier should count them, whatever the spelling or conjugation."""
    return [
        m.normalized_form().lower()
        for _, m in sudachi.morphemes(nfkc(text))
        if m.part_of_speech()[0] not in ("補助記号", "空白")
    ]


def surface_tokens(text: str) -> list[str]:
    norm = nfkc(text)
    words = [w.lower() for w in norm.replace("/", " ").split() if w.isascii() and len(w) > 2]
    return char_bigrams(norm) + words


def reading_tokens(text: str) -> list[str]:
    return [
        t for t in char_bigrams(reading(nfkc(text))) if all("\u3041" <= c <= "\u309f" or c == "ー" for c in t)
    ]


class _Bm25Matrix:
    def __init__(self, docs: list[list[str]]) -> None:
        self._vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[int] = []
        lengths = []
        for i, toks in enumerate(docs):
            counts = Counter(toks)
            lengths.append(sum(counts.values()))
            for tok, tf in counts.items():
                rows.append(i)
                cols.append(self._vocab.setdefault(tok, len(self._vocab)))
                tfs.append(tf)
        n = len(docs)
        self.size = n
        if not cols:
            self._matrix = sparse.csc_matrix((n, 0), dtype=np.float32)
            return
        avgdl = max(1.0, sum(lengths) / n)
        col_idx = np.asarray(cols, dtype=np.int64)
        tf_arr = np.asarray(tfs, dtype=np.float32)
        dl = np.asarray(lengths, dtype=np.float32)[np.asarray(rows, dtype=np.int64)]
        df = np.bincount(col_idx, minlength=len(self._vocab))
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        weights = idf[col_idx] * tf_arr * (K1 + 1) / (tf_arr + K1 * (1 - B + B * dl / avgdl))
        self._matrix = sparse.csc_matrix(
            (weights, (rows, cols)), shape=(n, len(self._vocab)), dtype=np.float32
        )

    def scores(self, tokens: list[str]) -> np.ndarray:
        cols = [self._vocab[t] for t in set(tokens) if t in self._vocab]
        if not cols:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._matrix[:, cols].sum(axis=1)).ravel()


class BM25Index:
    def __init__(self, texts: list[str]) -> None:
        self.size = len(texts)
        self._surface = _Bm25Matrix([surface_tokens(t) for t in texts])
        self._reading = _Bm25Matrix([reading_tokens(t) for t in texts])

    def scores(self, query: str) -> np.ndarray:
        """Surface and reading scores summed (for callers that want one list)."""
        return self.surface_scores(query) + self.reading_scores(query)

    def surface_scores(self, query: str) -> np.ndarray:
        return self._surface.scores(surface_tokens(query))

    def reading_scores(self, query: str) -> np.ndarray:
        return self._reading.scores(reading_tokens(query))


def normalise(scores: np.ndarray) -> float:
    """Top score relative to a saturating scale, for use as evidence (0..1)."""
    if scores.size == 0:
        return 0.0
    return 1.0 - math.exp(-float(scores.max()) / 25.0)
