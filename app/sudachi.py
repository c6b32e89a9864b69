"""The Sudachi tokenizer, one per thread: a tokenizer must not be used by two threads at once."""

from __future__ import annotations

import threading
from typing import Any

_LOCAL = threading.local()


def tokenizer() -> Any:
    found = getattr(_LOCAL, "tokenizer", None)
    if found is None:
        from sudachipy import dictionary

        found = _LOCAL.tokenizer = dictionary.Dictionary(dict="core").create()
    return found
