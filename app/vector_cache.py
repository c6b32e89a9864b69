"""Vectors kept on disk by the hash of what was embedded, one file per model and use.

Why: after a re-index only the texts that changed should be embedded again. A cache keyed by the whole list
re-embeds everything when one FAQ question changes (a minute and more of CPU in a serving worker)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from app.embeddings import Matrix


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def cached_vectors(
    keys: list[str],
    texts: list[str],
    embed: Callable[[list[str]], Matrix],
    cache_dir: Path | None,
    name: str,
    dim: int,
) -> Matrix:
    """One row per key, in order; only keys not in the cache are embedded. The file keeps exactly these keys,
    so it does not grow across releases."""
    cached = _load(cache_dir, name)
    text_of = dict(zip(keys, texts, strict=True))
    missing = [k for k in dict.fromkeys(keys) if k not in cached]
    if missing:
        vectors = embed([text_of[k] for k in missing])
        cached.update(zip(missing, vectors, strict=True))
    if missing or set(cached) != set(keys):
        _save(cache_dir, name, {k: cached[k] for k in dict.fromkeys(keys)})
    if not keys:
        return np.zeros((0, dim), dtype=np.float32)
    return np.vstack([cached[k] for k in keys]).astype(np.float32)


def _cache_file(cache_dir: Path, name: str, suffix: str = ".npz") -> Path:
    return cache_dir / (re.sub(r"[^A-Za-z0-9_.-]+", "_", name) + suffix)


def _load(cache_dir: Path | None, name: str) -> dict[str, Matrix]:
    if cache_dir is None:
        return {}
    path = _cache_file(cache_dir, name)
    if not path.exists():
        return {}
    try:
        with np.load(path) as data:
            return dict(zip([str(h) for h in data["hashes"]], data["vectors"], strict=True))
    except (OSError, ValueError, KeyError):
        return {}  # a damaged cache is rebuilt


def _save(cache_dir: Path | None, name: str, vectors: dict[str, Matrix]) -> None:
    if cache_dir is None or not vectors:
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = _cache_file(cache_dir, name)
    tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")  # two workers may write at once; the rename is atomic
    np.savez(tmp, hashes=np.array(list(vectors)), vectors=np.vstack(list(vectors.values())))
    tmp.replace(path)


def cached_texts(
    keys: list[str], texts: list[str], transform: Callable[[str], str], cache_dir: Path | None, name: str
) -> list[str]:
    """`transform` of each text, kept on disk by key like the vectors. Why: masking the labelled inquiries
    again at every router build costs ~12 ms each; only new ones are masked. Only transformed (masked) text
    is stored. Keyed by the input alone: after changing how `transform` works, delete the file."""
    path = _cache_file(cache_dir, name, ".json") if cache_dir is not None else None
    cached: dict[str, str] = {}
    if path is not None and path.exists():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            cached = {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            cached = {}  # a damaged cache is rebuilt
    out = [cached[k] if k in cached else transform(t) for k, t in zip(keys, texts, strict=True)]
    kept = dict(zip(keys, out, strict=True))
    if path is not None and kept != cached:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    return out
