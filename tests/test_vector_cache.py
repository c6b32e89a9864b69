"""The on-disk vector cache embeds only texts it has not seen, and forgets texts no longer asked for."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.vector_cache import cached_vectors, text_key


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
