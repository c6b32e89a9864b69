"""Past one machine: the same ingestion and retrieval against a real Chroma server (`chroma run`)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from app.embeddings import build_embedder
from app.masking import FastMasker
from app.retrieval import HybridRetriever
from app.store import KnowledgeStore
from ingest.pipeline import run_ingest
from tests.conftest import make_settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_ingest_and_retrieve_through_a_chroma_server(small_knowledge: Path, tmp_path: Path) -> None:
    port = _free_port()
    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        settings = make_settings(
            tmp_path / "data", knowledge_dir=small_knowledge, chroma_url=f"http://127.0.0.1:{port}"
        )
        embedder = build_embedder(settings)
        store = KnowledgeStore(settings, embedder)
        report = run_ingest(small_knowledge, settings, store, embedder, FastMasker(), "2026.11")
        assert report.switched, report.summary()
        assert not (tmp_path / "data" / "chroma").exists()  # nothing local: the server holds the index
        # a second worker process would open the same server: simulate with a fresh store object
        other = KnowledgeStore(settings, embedder)
        assert other.active_name() == store.active_name()
        hits = HybridRetriever(other, embedder).retrieve("暗証番号を忘れてしまいました").hits
        assert hits and hits[0].chunk.kind in ("faq", "internal")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
