"""Re-index from the service: one job at a time, in a child process, while drafting keeps serving the previous
version (the retriever switches when the new version is live).

Why a child process: embedding and masking a release is CPU-heavy Python; in a thread of the serving process
it would hold the GIL and the embedder's lock between requests, and its state would be invisible to the other
workers. The job's state lives in `data_dir/jobs/<id>.json`, so every worker (and every host sharing the data
folder) lists the same jobs; the ingest lock keeps writers to one at a time across processes.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.atomic_file import replace_atomically
from app.settings import Settings

# Settings the child needs to open the same store with the same models; everything else comes from the
# environment it inherits.
_CHILD_SETTINGS = (
    "data_dir",
    "knowledge_dir",
    "prompts_dir",
    "chroma_path",
    "chroma_url",
    "collection_prefix",
    "embedding_backend",
    "embedding_model",
    "embedding_base_url",
    "embedding_threads",
    "mask_engine",
)


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
    pid: int | None = None


class ReindexBusyError(RuntimeError):
    pass


def _jobs_dir(settings: Settings) -> Path:
    path = settings.data_dir / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_job(path: Path, job: ReindexJob) -> None:
    payload = json.dumps(asdict(job), ensure_ascii=False)
    # readers never see half a file
    replace_atomically(path, lambda tmp: tmp.write_text(payload, encoding="utf-8"))


def _read_job(path: Path) -> ReindexJob | None:
    try:
        return ReindexJob(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def child_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    for name in _CHILD_SETTINGS:
        value = getattr(settings, name)
        key = f"DRAFTDESK_{name.upper()}"
        if value is None:
            env.pop(key, None)
        else:
            env[key] = str(value)
    if settings.embedding_api_key is not None:
        env["DRAFTDESK_EMBEDDING_API_KEY"] = settings.embedding_api_key.get_secret_value()
    return env


class ReindexManager:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()

    def jobs(self) -> list[ReindexJob]:
        found = [j for p in _jobs_dir(self._settings).glob("r_*.json") if (j := _read_job(p)) is not None]
        for job in found:
            if job.state == "running" and job.pid is not None and not _alive(job.pid):
                job.state, job.summary = (
                    "failed",
                    job.summary or "the re-index process ended without a result",
                )
        return sorted(found, key=lambda j: j.started_at, reverse=True)

    @property
    def running(self) -> ReindexJob | None:
        return next((j for j in self.jobs() if j.state == "running"), None)

    def start(self, release: str, path: Path | None, actor: str) -> ReindexJob:
        with self._lock:
            if (busy := self.running) is not None:
                raise ReindexBusyError(f"re-index {busy.id} is still running")
            root = path or self._settings.knowledge_dir
            job = ReindexJob(id=f"r_{uuid.uuid4().hex[:10]}", release=release, path=str(root), actor=actor)
            job_file = _jobs_dir(self._settings) / f"{job.id}.json"
            _write_job(job_file, job)
            proc = subprocess.Popen(
                [sys.executable, "-m", "app.reindex", str(job_file)],
                env=child_env(self._settings),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            job.pid = proc.pid
            _write_job(job_file, job)
        # Reap the child when it ends (no zombie); the state itself is written by the child.
        threading.Thread(target=proc.wait, daemon=True, name=f"reindex-{job.id}").start()
        return job

    def describe(self) -> list[dict[str, Any]]:
        return [asdict(j) for j in self.jobs()[:50]]


def lower_priority() -> None:
    """Give the CPU to drafts first. `nice` alone is not enough: the child runs in a session of its own, and
    with the kernel's autogroup scheduling every session is a group that gets a fair share against the
    server's group whatever its nice value. So the group's nice is raised too, and the process is put in the
    idle class where the kernel offers it."""
    with contextlib.suppress(OSError):
        os.nice(19 - os.nice(0))
    if os.getsid(0) == os.getpid():  # our own session, so the autogroup is ours alone
        with contextlib.suppress(OSError):
            Path("/proc/self/autogroup").write_text("19")
    if hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_IDLE"):
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def run_job(job_file: Path) -> int:
    """The child: ingest, then record the outcome in the job file, at the lowest CPU priority."""
    lower_priority()  # first: nice and the scheduling class are per thread, inherited only by later threads
    from app.embeddings import build_embedder
    from app.masking import build_masker
    from app.settings import get_settings
    from app.store import KnowledgeStore
    from ingest.pipeline import run_ingest

    job = _read_job(job_file)
    if job is None:
        return 2
    job.pid = os.getpid()
    try:
        settings = get_settings()
        embedder = build_embedder(settings)
        store = KnowledgeStore(settings, embedder)
        try:
            masker = build_masker(settings.mask_engine)
        except Exception:  # past inquiries fail closed inside the pipeline without a masker
            masker = None
        report = run_ingest(Path(job.path), settings, store, embedder, masker, job.release)
        job.summary, job.counts = report.summary(), report.diff.counts()
        job.issues = [str(i) for i in report.issues]
        job.state = "done"
    except Exception as exc:  # reported on the job; the previous index keeps serving
        job.summary, job.state = f"{type(exc).__name__}: {exc}", "failed"
    job.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
    _write_job(job_file, job)
    return 0 if job.state == "done" else 1


if __name__ == "__main__":
    raise SystemExit(run_job(Path(sys.argv[1])))
