"""Re-index from the service: one job at a time, in a background thread, while drafting keeps serving the
previous version (the retriever switches when the new version is live)."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.service import DraftService


@dataclass
class ReindexJob:
    id: str
    release: str
    path: str
    actor: str
    state: str = "running"  # running | done | failed
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    finished_at: str | None = None
    summary: str = ""
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    issues: list[str] = field(default_factory=list)


class ReindexBusyError(RuntimeError):
    pass


class ReindexManager:
    def __init__(self, service: DraftService) -> None:
        self._service = service
        self._lock = threading.Lock()
        self.jobs: list[ReindexJob] = []

    @property
    def running(self) -> ReindexJob | None:
        return next((j for j in self.jobs if j.state == "running"), None)

    def start(self, release: str, path: Path | None, actor: str) -> ReindexJob:
        with self._lock:
            if self.running is not None:
                raise ReindexBusyError(f"re-index {self.running.id} is still running")
            root = path or self._service.settings.knowledge_dir
            job = ReindexJob(id=f"r_{uuid.uuid4().hex[:10]}", release=release, path=str(root), actor=actor)
            self.jobs.append(job)
        threading.Thread(target=self._run, args=(job, root), daemon=True, name=f"reindex-{job.id}").start()
        return job

    def _run(self, job: ReindexJob, root: Path) -> None:
        from ingest.pipeline import run_ingest

        try:
            report = run_ingest(
                root,
                self._service.settings,
                self._service.store,
                self._service.embedder,
                self._service.masker,
                job.release,
            )
            job.summary, job.counts = report.summary(), report.diff.counts()
            job.issues = [str(i) for i in report.issues]
            job.state = "done"
        except Exception as exc:  # reported on the job; the previous index keeps serving
            job.summary, job.state = f"{type(exc).__name__}: {exc}", "failed"
        finally:
            job.finished_at = datetime.now(UTC).isoformat(timespec="seconds")

    def describe(self) -> list[dict[str, Any]]:
        return [j.__dict__ for j in reversed(self.jobs)]
