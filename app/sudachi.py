"""The Sudachi tokenizer, one per thread: a tokenizer must not be used by two threads at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

_LOCAL = threading.local()


def tokenizer() -> Any:
    found = getattr(_LOCAL, "tokenizer", None)
    if found is None:
        from sudachipy import dictionary

        found = _LOCAL.tokenizer = dictionary.Dictionary(dict="core").create()
    return found


MAX_INPUT = 4000  # Sudachi refuses very long inputs


def morphemes(text: str, mode: str = "C") -> Iterator[tuple[int, Any]]:
    """(offset of its piece in `text`, morpheme) for the whole text, tokenised in pieces Sudachi accepts."""
    from sudachipy import tokenizer as sudachi_tokenizer

    split = getattr(sudachi_tokenizer.Tokenizer.SplitMode, mode)
    for offset in range(0, len(text), MAX_INPUT):
        for m in tokenizer().tokenize(text[offset : offset + MAX_INPUT], split):
            yield offset, m
