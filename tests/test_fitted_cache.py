"""The fitted-model cache: keyed by everything the fit reads, pruned to the newest files, never trusted half-way."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import numpy as np

from app import fitted_cache


def test_fingerprint_changes_with_each_input() -> None:
    base = fitted_cache.fingerprint(["a", "b"], ["answer", "agency"], [np.ones((2, 3))], ["C=50"])
    assert base == fitted_cache.fingerprint(["a", "b"], ["answer", "agency"], [np.ones((2, 3))], ["C=50"])
    assert base != fitted_cache.fingerprint(["a", "c"], ["answer", "agency"], [np.ones((2, 3))], ["C=50"])
    assert base != fitted_cache.fingerprint(["a", "b"], ["answer", "ministry"], [np.ones((2, 3))], ["C=50"])
    assert base != fitted_cache.fingerprint(["a", "b"], ["answer", "agency"], [np.zeros((2, 3))], ["C=50"])
    assert base != fitted_cache.fingerprint(["a", "b"], ["answer", "agency"], [np.ones((3, 2))], ["C=50"])
    assert base != fitted_cache.fingerprint(["a", "b"], ["answer", "agency"], [np.ones((2, 3))], ["C=10"])
    # a text boundary moved is another training set
    assert fitted_cache.fingerprint(["ab", "c"], [], [], []) != fitted_cache.fingerprint(
        ["a", "bc"], [], [], []
    )


def test_round_trip_and_pruning_to_the_newest(tmp_path: Path) -> None:
    assert fitted_cache.load(tmp_path, "k0") is None
    for i in range(fitted_cache.KEEP + 2):
        fitted_cache.save(tmp_path, f"k{i}", {"weights": [i]})
        os.utime(tmp_path / f"classifier-k{i}.pkl", (1_000_000 + i, 1_000_000 + i))
    fitted_cache.save(tmp_path, "k0", {"weights": [0]})  # written again: the newest
    kept = sorted(p.name for p in tmp_path.glob("classifier-*.pkl"))
    assert len(kept) == fitted_cache.KEEP and "classifier-k0.pkl" in kept and "classifier-k1.pkl" not in kept
    assert fitted_cache.load(tmp_path, "k0") == {"weights": [0]}
    assert not list(tmp_path.glob("*.tmp"))


def test_a_file_under_another_key_or_damaged_is_not_used(tmp_path: Path) -> None:
    (tmp_path / "classifier-k1.pkl").write_bytes(pickle.dumps({"key": "k2", "model": "other"}))
    assert fitted_cache.load(tmp_path, "k1") is None
    (tmp_path / "classifier-k3.pkl").write_bytes(b"\x80\x05truncated")
    assert fitted_cache.load(tmp_path, "k3") is None


def test_an_unwritable_cache_only_costs_a_refit(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    fitted_cache.save(blocked, "k", {"weights": [1]})  # no exception: the model in hand is still used
    assert fitted_cache.load(blocked, "k") is None
