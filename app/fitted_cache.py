"""A fitted model kept on disk, keyed by a fingerprint of everything its fit reads.

Why: the route classifier's fit costs ~20 s of CPU (a logistic regression over ~8,000 inquiries and ~150,000
sparse features). Without a cache every serving worker, every `draftdesk draft` call and every service a test
builds pays it again for the same training set. The file is written by draftdesk itself into its own data
directory (pickle: trusted local data only; a file that does not load is refit, never trusted half-way)."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from app.atomic_file import replace_atomically

PREFIX = "classifier-"
KEEP = 3  # the newest files kept: the active index's, the previous one's, one spare


def fingerprint(
    texts: Iterable[str], labels: Iterable[str], arrays: Iterable[Any], extra: Iterable[str]
) -> str:
    """A short hash of the training texts, labels, feature arrays and `extra` (code fingerprints, settings)."""
    digest = hashlib.sha256()
    for part in (*texts, "\x1e", *labels, "\x1e", *extra, "\x1e", *_package_versions()):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    for array in arrays:
        if array is not None:
            data = np.ascontiguousarray(array)
            digest.update(str(data.shape).encode())
            digest.update(data.tobytes())
    return digest.hexdigest()[:24]


def _package_versions() -> list[str]:
    """What tokenises and fits: a new scikit-learn or Sudachi dictionary may change the model or its pickle."""
    out = []
    for name in ("scikit-learn", "sudachipy", "sudachidict-core"):
        try:
            out.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            out.append(f"{name}=none")
    return out


def load(cache_dir: Path | None, key: str) -> Any | None:
    """The object stored under `key`, or None (no file, or one that does not load)."""
    if cache_dir is None:
        return None
    path = cache_dir / f"{PREFIX}{key}.pkl"
    try:
        with path.open("rb") as f:
            stored = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    # in use: the newest files are the ones kept (a read-only cache still loads)
    with contextlib.suppress(OSError):
        path.touch()
    return stored.get("model")


def save(cache_dir: Path | None, key: str, model: Any) -> None:
    """Atomic (two workers may fit at once); older files beyond the newest KEEP are removed. A cache that cannot be
    written (read-only or full disk) costs the next start a refit, never this one its model."""
    if cache_dir is None:
        return
    path = cache_dir / f"{PREFIX}{key}.pkl"

    def write(tmp: Path) -> None:
        with tmp.open("wb") as f:
            pickle.dump({"key": key, "model": model}, f, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        replace_atomically(path, write)
    except OSError:
        return
    files = sorted(cache_dir.glob(f"{PREFIX}*.pkl"), key=_mtime, reverse=True)
    for old in files[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed by another worker meanwhile
        return 0.0
