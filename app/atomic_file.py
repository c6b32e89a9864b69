"""Replace a file so that a reader sees the old one or the new one, never half of either.

Why one place: caches, the ingest manifest and re-index job records are all rewritten while other workers read
them, and two workers may write at once. Each writer writes a temp file of its own beside the target and renames
it over the target (a rename within one directory is atomic)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path


def replace_atomically(path: Path, write: Callable[[Path], object], suffix: str = "") -> None:
    """Call `write` with a temp path beside `path` (this process's own; `suffix` for writers that insist on one,
    like numpy's .npz), then rename it over `path`. On any failure the temp file is removed and the error raised;
    `path` is left as it was."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp{suffix}")
    try:
        write(tmp)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
