"""What a re-index changes, by kind, with titles: the knowledge manager's release report."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import cast

from app.chunks import Chunk, entry_id_of
from app.schemas import SourceKind


@dataclass
class ReleaseDiff:
    added: list[Chunk] = field(default_factory=list)
    changed: list[Chunk] = field(default_factory=list)
    removed: list[tuple[str, str, str]] = field(default_factory=list)  # (id, kind, title)
    unchanged_ids: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def entries(self) -> tuple[list[Chunk], list[Chunk], list[tuple[str, str, str]]]:
        """What a person counts: alias vectors follow their FAQ entry and are not listed themselves, but an
        edit to an entry's aliases alone (a new phrasing) shows the entry as changed, so no edit is silent."""
        added = [c for c in self.added if not c.extra.get("alias")]
        changed = [c for c in self.changed if not c.extra.get("alias")]
        removed = [r for r in self.removed if entry_id_of(r[0]) == r[0]]
        listed = {c.id for c in added} | {c.id for c in changed} | {r[0] for r in removed}
        alias_touched = [c for c in (*self.added, *self.changed) if c.extra.get("alias")]
        for alias in alias_touched:
            parent = entry_id_of(alias.id)
            if parent not in listed:
                listed.add(parent)
                changed.append(replace(alias, id=parent, extra={}))
        for rid, kind, title in self.removed:
            parent = entry_id_of(rid)
            if parent != rid and parent not in listed:
                listed.add(parent)
                changed.append(Chunk(parent, cast(SourceKind, kind), parent, title, body="", source=""))
        return added, changed, removed

    def counts(self) -> dict[str, dict[str, int]]:
        added, changed, removed = self.entries()
        out: dict[str, dict[str, int]] = {}
        for label, kinds in (
            ("added", [c.kind for c in added]),
            ("changed", [c.kind for c in changed]),
            ("removed", [k for _, k, _ in removed]),
        ):
            for kind in kinds:
                out.setdefault(kind, {"added": 0, "changed": 0, "removed": 0})[label] += 1
        return out

    def to_markdown(self, release: str, limit: int = 30) -> str:
        lines = [f"## Release {release}", ""]
        if self.is_empty:
            return "\n".join([*lines, "No changes.", ""])
        lines += ["| kind | added | changed | removed |", "|---|---|---|---|"]
        for kind, c in sorted(self.counts().items()):
            lines.append(f"| {kind} | {c['added']} | {c['changed']} | {c['removed']} |")
        added, changed, removed = self.entries()
        for label, items in (
            ("Added", [(c.id, c.title) for c in added]),
            ("Changed", [(c.id, c.title) for c in changed]),
            ("Removed", [(i, t) for i, _, t in removed]),
        ):
            if items:
                lines += ["", f"### {label}"]
                lines += [f"- `{i}` {t[:70]}" for i, t in items[:limit]]
                if len(items) > limit:
                    lines.append(f"- … and {len(items) - limit} more")
        return "\n".join([*lines, ""])


def compute_diff(
    new_chunks: list[Chunk], old: dict[str, tuple[str, str, str]], in_scope: set[str]
) -> ReleaseDiff:
    """old: id -> (content_hash, kind, title) of the active index; in_scope: ids this run may remove."""
    diff = ReleaseDiff()
    seen: set[str] = set()
    for chunk in new_chunks:
        seen.add(chunk.id)
        previous = old.get(chunk.id)
        if previous is None:
            diff.added.append(chunk)
        elif previous[0] != chunk.content_hash:
            diff.changed.append(chunk)
        else:
            diff.unchanged_ids.append(chunk.id)
    for cid, (_, kind, title) in old.items():
        if cid not in seen and cid in in_scope:
            diff.removed.append((cid, kind, title))
    return diff
