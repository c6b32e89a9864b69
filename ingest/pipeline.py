"""`draftdesk ingest`: load, diff against the active index, build a new version, switch, report.

Incremental: unchanged chunks are copied with their stored embeddings; only added or changed chunks are
embedded. A run with no change builds nothing. The switch happens only after the new version is complete.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.atomic_file import replace_atomically
from app.chunks import Chunk
from app.embeddings import Embedder
from app.masking import Masker
from app.settings import Settings
from app.store import KnowledgeStore
from ingest.diff import ReleaseDiff, compute_diff
from ingest.issues import FileRejected, IngestIssue
from ingest.loaders import discover, load_file
from ingest.lock import writer_lock

log = logging.getLogger(__name__)
KEEP_VERSIONS = 2
EMBED_BATCH = 32

Progress = Callable[[int, int], None]


@dataclass
class IngestReport:
    release: str
    files: int = 0
    chunks: int = 0
    embedded: int = 0
    issues: list[IngestIssue] = field(default_factory=list)
    diff: ReleaseDiff = field(default_factory=ReleaseDiff)
    collection: str | None = None
    switched: bool = False
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def failed_files(self) -> list[str]:
        return sorted({i.file for i in self.issues if i.fatal_for_file})

    @property
    def ok(self) -> bool:
        return not self.issues

    def summary(self) -> str:
        counts = self.diff.counts()
        by_kind = ", ".join(
            f"{k}: +{c['added']} ~{c['changed']} -{c['removed']}" for k, c in sorted(counts.items())
        )
        state = (
            "dry run, nothing written"
            if self.dry_run
            else (f"now serving {self.collection}" if self.switched else "no change, index untouched")
        )
        lines = [
            f"release {self.release}: {self.files} files, {self.chunks} chunks, {self.embedded} embedded "
            f"in {self.seconds:.1f}s ({state})",
            f"diff: {by_kind or 'no changes'}",
        ]
        if self.issues:
            lines.append(f"{len(self.issues)} problem(s); files skipped: {len(self.failed_files)}")
            lines += [f"  - {issue}" for issue in self.issues[:50]]
            if len(self.issues) > 50:
                lines.append(f"  … and {len(self.issues) - 50} more")
        return "\n".join(lines)


def _source_name(path: Path, root: Path, knowledge_dir: Path) -> str:
    for base in (knowledge_dir, root if root.is_dir() else root.parent):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.name


FileManifest = dict[
    str, dict[str, Any]
]  # source -> {"hash": sha256 of the file, "ids": chunk ids it produced}


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_all(
    root: Path,
    settings: Settings,
    release: str,
    masker: Masker | None,
    previous: FileManifest | None = None,
    old_rows: dict[str, dict[str, Any]] | None = None,
) -> tuple[list[Chunk], list[IngestIssue], set[str], int, FileManifest]:
    """Returns chunks, issues, the source names that loaded (so removal stays in scope), the file count and the
    new manifest. A file whose bytes are unchanged since the active version is not parsed (nor masked) again:
    its chunks come back from the index as they were stored."""
    chunks: list[Chunk] = []
    issues: list[IngestIssue] = []
    loaded_sources: set[str] = set()
    by_id: dict[str, Chunk] = {}
    manifest: FileManifest = {}
    previous, old_rows = previous or {}, old_rows or {}
    files = discover(root)
    if not files:
        issues.append(IngestIssue(str(root), "no knowledge files found", fatal_for_file=True))
    for path in files:
        source = _source_name(path, root, settings.knowledge_dir)
        digest = _file_hash(path)
        before = previous.get(source)
        if before and before["hash"] == digest and all(cid in old_rows for cid in before["ids"]):
            file_chunks = [Chunk.from_metadata(cid, old_rows[cid]) for cid in before["ids"]]
        else:
            try:
                file_chunks, file_issues = load_file(path, source, release, masker)
            except FileRejected as exc:
                issues.append(
                    IngestIssue(source, str(exc), row=exc.row, field=exc.field, fatal_for_file=True)
                )
                continue
            issues.extend(file_issues)
        loaded_sources.add(source)
        own: list[str] = []
        for chunk in file_chunks:
            twin = by_id.get(chunk.id)
            if twin is not None:
                if twin.content_hash != chunk.content_hash:
                    issues.append(
                        IngestIssue(source, f"duplicate id {chunk.id!r} (also in {twin.source})", field="id")
                    )
                continue  # the same record exported twice (xlsx and csv) is indexed once
            by_id[chunk.id] = chunk
            chunks.append(chunk)
            own.append(chunk.id)
        manifest[source] = {"hash": digest, "ids": own}
    return chunks, issues, loaded_sources, len(files), manifest


def _manifest_path(data_dir: Path, collection: str) -> Path:
    return data_dir / "manifests" / f"{collection}.json"


def _read_manifest(data_dir: Path, collection: str | None) -> FileManifest:
    path = _manifest_path(data_dir, collection) if collection else None
    if path is None or not path.exists():
        return {}
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _write_manifest(data_dir: Path, collection: str, manifest: FileManifest) -> None:
    path = _manifest_path(data_dir, collection)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(manifest, ensure_ascii=False)
    replace_atomically(path, lambda tmp: tmp.write_text(payload, encoding="utf-8"))


def _in_scope(
    old_rows: dict[str, dict[str, Any]], root_source: str, loaded_sources: set[str], failed_sources: set[str]
) -> set[str]:
    """Chunks this run may remove: from files it loaded, or files under its root that are gone."""
    scope = set()
    for cid, meta in old_rows.items():
        source = str(meta.get("source", "")).split("#", 1)[0]
        if source in failed_sources:
            continue
        if source in loaded_sources or (
            root_source in ("", ".") or source.startswith(root_source.rstrip("/") + "/")
        ):
            scope.add(cid)
    return scope


def run_ingest(
    root: Path,
    settings: Settings,
    store: KnowledgeStore,
    embedder: Embedder,
    masker: Masker | None,
    release: str,
    dry_run: bool = False,
    rebuild: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport(release=release, dry_run=dry_run)
    with writer_lock(settings.data_dir):
        active_name = None if rebuild else store.active_name()
        old_rows: dict[str, dict[str, Any]] = {}
        old_embeddings: dict[str, Any] = {}
        active = store.open(active_name) if active_name else None
        if active is not None:
            for row in store.iter_all(active, include_embeddings=True):
                old_rows[row["id"]] = row["metadata"]
                old_embeddings[row["id"]] = row["embedding"]
        previous = _read_manifest(settings.data_dir, active_name)
        chunks, issues, loaded_sources, nfiles, manifest = load_all(
            root, settings, release, masker, previous, old_rows
        )
        report.files, report.chunks, report.issues = nfiles, len(chunks), issues
        root_source = _source_name(root, root, settings.knowledge_dir) if root.is_dir() else ""
        if root.is_dir() and root.resolve() == settings.knowledge_dir.resolve():
            root_source = ""
        failed = {i.file for i in issues if i.fatal_for_file}
        scope = _in_scope(old_rows, root_source, loaded_sources, failed)
        old_index = {
            cid: (str(m.get("content_hash")), str(m.get("kind")), str(m.get("title")))
            for cid, m in old_rows.items()
        }
        diff = compute_diff(chunks, old_index, scope)
        report.diff = diff
        if dry_run or (diff.is_empty and active is not None):
            report.collection = active_name
            report.seconds = time.perf_counter() - started
            return report
        removed = {cid for cid, _, _ in diff.removed}
        new_ids = {c.id for c in chunks}
        # Chunks outside this run's scope (other files, files that failed) carry over untouched.
        carried = [
            Chunk.from_metadata(cid, m)
            for cid, m in old_rows.items()
            if cid not in removed and cid not in new_ids
        ]
        unchanged = set(diff.unchanged_ids)
        to_embed = [c for c in chunks if c.id not in unchanged]
        name = store.next_version_name()
        collection = store.create_version(name, release)
        try:
            keep = [c for c in chunks if c.id in unchanged] + carried
            if keep:
                store.add(collection, keep, [old_embeddings[c.id] for c in keep])
            done = 0
            for i in range(0, len(to_embed), EMBED_BATCH):
                batch = to_embed[i : i + EMBED_BATCH]
                store.add(collection, batch, embedder.embed_documents([c.text for c in batch]))
                done += len(batch)
                if progress:
                    progress(done, len(to_embed))
            report.embedded = len(to_embed)
        except BaseException:
            store.drop(name)  # an incomplete version is never switched to
            raise
        # the manifest covers every file the new version holds: this run's files and those carried over
        _write_manifest(
            settings.data_dir, name, {**{k: v for k, v in previous.items() if k not in manifest}, **manifest}
        )
        store.set_active(name, release)
        report.collection, report.switched = name, True
        for old in store.version_names()[:-KEEP_VERSIONS]:
            store.drop(old)
        report.seconds = time.perf_counter() - started
        _append_release_log(settings.data_dir, report)
    return report


def _append_release_log(data_dir: Path, report: IngestReport) -> None:
    entry = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "release": report.release,
        "collection": report.collection,
        "chunks": report.chunks,
        "embedded": report.embedded,
        "counts": report.diff.counts(),
        "added": [[c.id, c.title] for c in report.diff.added],
        "changed": [[c.id, c.title] for c in report.diff.changed],
        "removed": [[i, t] for i, _, t in report.diff.removed],
        "issues": [str(i) for i in report.issues],
        "seconds": round(report.seconds, 2),
    }
    with (data_dir / "releases.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    with (data_dir / "releases.md").open("a", encoding="utf-8") as fh:
        fh.write(report.diff.to_markdown(report.release) + "\n")


def read_release_log(data_dir: Path) -> list[dict[str, Any]]:
    path = data_dir / "releases.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
