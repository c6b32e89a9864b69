"""A file replaced atomically is the old one or the new one, and a failed write leaves no temp file behind."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.atomic_file import replace_atomically


def test_the_new_content_replaces_the_old(tmp_path: Path) -> None:
    path = tmp_path / "job.json"
    path.write_text("old", encoding="utf-8")
    replace_atomically(path, lambda tmp: tmp.write_text("new", encoding="utf-8"))
    assert path.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job.json"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temp(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text("old", encoding="utf-8")

    def half_written(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        replace_atomically(path, half_written)
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json"]


def test_a_writer_that_needs_a_suffix_gets_it(tmp_path: Path) -> None:
    """numpy adds .npz to a name without it, so the rename would miss the file it wrote."""
    path = tmp_path / "vectors.npz"
    replace_atomically(path, lambda tmp: np.savez(tmp, a=np.arange(3)), suffix=".npz")
    assert np.load(path)["a"].tolist() == [0, 1, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors.npz"]
