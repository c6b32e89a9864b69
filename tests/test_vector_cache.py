"""The on-disk vector cache embeds only texts it has not seen, and forgets texts no longer asked for."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.vector_cache import cached_texts, cached_vectors, source_fingerprint, text_key


def _embed_counting(seen: list[str]):  # type: ignore[no-untyped-def]
    def embed(texts: list[str]) -> np.ndarray:
        seen.extend(texts)
        return np.array([[len(t), t.count("a"), 1.0] for t in texts], dtype=np.float32)

    return embed


def test_only_new_texts_are_embedded(tmp_path: Path) -> None:
    seen: list[str] = []
    texts = ["aa", "abc", "xyz"]
    first = cached_vectors([text_key(t) for t in texts], texts, _embed_counting(seen), tmp_path, "m", 3)
    assert seen == texts and first.shape == (3, 3)
    seen.clear()
    changed = ["aa", "abcd", "xyz"]  # one text changed in a release
    second = cached_vectors([text_key(t) for t in changed], changed, _embed_counting(seen), tmp_path, "m", 3)
    assert seen == ["abcd"]
    assert np.allclose(second[0], first[0]) and second[1][0] == 4
    seen.clear()
    cached_vectors([text_key("abc")], ["abc"], _embed_counting(seen), tmp_path, "m", 3)
    assert seen == ["abc"]  # dropped from the file when the release no longer had it


def test_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    (tmp_path / "m.npz").write_bytes(b"not a zip")
    seen: list[str] = []
    out = cached_vectors([text_key("a")], ["a"], _embed_counting(seen), tmp_path, "m", 3)
    assert seen == ["a"] and out.shape == (1, 3)


def test_masked_texts_are_made_again_when_the_code_that_made_them_changes(tmp_path: Path) -> None:
    """A masker fix must reach texts masked before it: a file written by another version is overwritten."""
    calls: list[str] = []

    def old_mask(text: str) -> str:
        calls.append(text)
        return text.replace("山田", "<PERSON_1>")

    keys, texts = ["k1", "k2"], ["山田です", "田中です"]
    assert cached_texts(keys, texts, old_mask, tmp_path, "labelled", "v1") == ["<PERSON_1>です", "田中です"]
    assert cached_texts(keys, texts, old_mask, tmp_path, "labelled", "v1") == ["<PERSON_1>です", "田中です"]
    assert len(calls) == 2  # the second call read the file

    def new_mask(text: str) -> str:
        return old_mask(text).replace("田中", "<PERSON_1>")

    assert cached_texts(keys, texts, new_mask, tmp_path, "labelled", "v2") == [
        "<PERSON_1>です",
        "<PERSON_1>です",
    ]
    assert "田中" not in (tmp_path / "labelled.json").read_text(encoding="utf-8")


def test_source_fingerprint_follows_the_contents(tmp_path: Path) -> None:
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("x = 1\n", encoding="utf-8")
    b.write_text("y = 2\n", encoding="utf-8")
    first = source_fingerprint([a, b])
    assert source_fingerprint([b, a]) == first  # order of the list does not matter
    a.write_text("x = 3\n", encoding="utf-8")
    assert source_fingerprint([a, b]) != first
