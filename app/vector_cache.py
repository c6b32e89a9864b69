"""Vectors kept on disk by the hash of what was embedded, one file per model and use.

Why: after a re-index only the texts that changed should be embedded again. A cache keyed by the whole list
re-embeds everything when one FAQ question changes (a minute and more of CPU in a serving worker)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from app.atomic_file import replace_atomically
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
    replace_atomically(
        path,
        lambda tmp: np.savez(tmp, hashes=np.array(list(vectors)), vectors=np.vstack(list(vectors.values()))),
        suffix=".npz",  # numpy adds .npz to a name without it
    )


def source_fingerprint(files: Iterable[Path]) -> str:
    """A short hash of these files' contents: names the version of the code that produced a cache."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cached_texts(
    keys: list[str],
    texts: list[str],
    transform: Callable[[str], str],
    cache_dir: Path | None,
    name: str,
    version: str,
) -> list[str]:
    """`transform` of each text, kept on disk by key like the vectors. Why: masking the labelled inquiries
    again at every router build costs ~12 ms each; only new ones are masked. Only transformed (masked) text
    is stored. `version` names the transform (e.g. a source_fingerprint of its code): a file written by
    another version is discarded and overwritten, so a masker fix also reaches the texts it masked before."""
    path = _cache_file(cache_dir, name, ".json") if cache_dir is not None else None
    cached: dict[str, str] = {}
    if path is not None and path.exists():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict) and loaded.get("version") == version:
                cached = {str(k): str(v) for k, v in dict(loaded.get("texts", {})).items()}
        except (OSError, ValueError, TypeError):
            cached = {}  # a damaged cache is rebuilt
    out = [cached[k] if k in cached else transform(t) for k, t in zip(keys, texts, strict=True)]
    kept = dict(zip(keys, out, strict=True))
    if path is not None and kept != cached:
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"version": version, "texts": kept}, ensure_ascii=False)
        replace_atomically(path, lambda tmp: tmp.write_text(payload, encoding="utf-8"))
    return out
