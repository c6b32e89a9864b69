"""Shared fixtures: a real Chroma index of the bundled knowledge, built once per test session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.embeddings import build_embedder
from app.masking import build_masker
from app.service import DraftService
from app.settings import Settings
from app.store import KnowledgeStore
from ingest.pipeline import run_ingest

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": data_dir,
        "knowledge_dir": KNOWLEDGE,
        "prompts_dir": ROOT / "prompts",
        "mask_engine": "presidio",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def indexed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The whole bundled knowledge, masked and embedded into a real Chroma PersistentClient."""
    data_dir = tmp_path_factory.mktemp("index")
    settings = make_settings(data_dir)
    embedder = build_embedder(settings)
    store = KnowledgeStore(settings, embedder)
    report = run_ingest(KNOWLEDGE, settings, store, embedder, build_masker("presidio"), "2026.11")
    assert report.switched and not report.issues, report.summary()
    return settings


@pytest.fixture(scope="session")
def service(indexed_settings: Settings) -> DraftService:
    svc = DraftService(indexed_settings)
    svc.warm_up()
    return svc


@pytest.fixture()
def small_knowledge(tmp_path: Path) -> Iterator[Path]:
    """A small editable copy of the knowledge (a few FAQ files and notes) for ingestion tests."""
    root = tmp_path / "knowledge"
    (root / "faq").mkdir(parents=True)
    (root / "internal").mkdir()
    for name in ("faq_pin.jsonl", "faq_koukin.jsonl"):
        shutil.copy(KNOWLEDGE / "faq" / name, root / "faq" / name)
    for name in ("escalation-routing.md", "tone-guide.md"):
        shutil.copy(KNOWLEDGE / "internal" / name, root / "internal" / name)
    yield root
