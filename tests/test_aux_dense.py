"""The second dense view (USE multilingual) used in retrieval: finds the matching chunk, skips past inquiries,
and re-embeds nothing when the cache already holds a chunk's content hash."""

from __future__ import annotations

from pathlib import Path

from app.aux_dense import AuxDenseIndex
from app.chunks import Chunk
from app.embeddings import Matrix, UniversalSentenceEncoderEmbedder


class CountingEmbedder:
    def __init__(self) -> None:
        self.inner = UniversalSentenceEncoderEmbedder(threads=1)
        self.documents = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_documents(self, texts: list[str]) -> Matrix:
        self.documents += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> Matrix:
        return self.inner.embed_query(text)


def _chunks() -> list[Chunk]:
    return [
        Chunk(
            "faq-a",
            "faq",
            "faq-a",
            "暗証番号を忘れた",
            "市区町村の窓口で暗証番号を再設定できます。",
            "faq/a.jsonl",
        ),
        Chunk(
            "faq-b",
            "faq",
            "faq-b",
            "How to register a bank account",
            "Use the public benefit account menu.",
            "x",
        ),
        Chunk("past-1", "past_inquiry", "past-1", "暗証番号", "暗証番号を忘れました。", "past/p.csv"),
    ]


def test_top_finds_the_match_and_skips_past_inquiries(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    index = AuxDenseIndex(embedder, _chunks(), tmp_path)
    assert embedder.documents == 2  # past inquiries are not embedded here
    top = index.top("I want to register my bank account for benefits", 3)
    assert [pos for pos, _ in top] == [1, 0]
    assert index.top("暗証番号がわからない", 1)[0][0] == 0


def test_cache_by_content_hash(tmp_path: Path) -> None:
    AuxDenseIndex(CountingEmbedder(), _chunks(), tmp_path)
    again = CountingEmbedder()
    AuxDenseIndex(again, _chunks(), tmp_path)
    assert again.documents == 0
    changed = _chunks()
    changed[0].body += "（更新）"
    third = CountingEmbedder()
    AuxDenseIndex(third, changed, tmp_path)
    assert third.documents == 1  # only the changed chunk
