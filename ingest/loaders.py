"""Loaders per kind and format. Each returns chunks plus row-level issues, or raises FileRejected."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from app.chunks import Chunk, phrasing_alias_id, question_alias_id
from app.masking import Masker
from app.schemas import SourceKind
from app.textnorm import detect_language
from ingest.issues import FileRejected, IngestIssue

FAQ_FIELDS = ("id", "category", "question", "answer")
PAST_COLUMNS = {
    "受付番号": "number",
    "受付日時": "received_at",
    "経路": "channel",
    "カテゴリ": "category",
    "問合せ内容": "inquiry",
    "回答内容": "answer",
    "対応区分": "resolution",
    "エスカレーション先": "escalated_to",
}
PAST_REQUIRED = ("受付番号", "問合せ内容", "回答内容")
MANUAL_WINDOW = 900
MANUAL_OVERLAP = 120

LoadResult = tuple[list[Chunk], list[IngestIssue]]


def kind_of(path: Path) -> SourceKind | None:
    parts = {p.lower() for p in path.parts}
    if "faq" in parts:
        return "faq"
    if "internal" in parts:
        return "internal"
    if "manuals" in parts or path.suffix.lower() == ".pdf":
        return "manual"
    if "past_inquiries" in parts:
        return "past_inquiry"
    return None


def read_text_any(path: Path) -> str:
    """UTF-8 (with or without BOM), else cp932 — Japanese Excel CSVs are Shift_JIS."""
    raw = path.read_bytes()
    if not raw.strip():
        raise FileRejected("the file is empty")
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRejected("the file is neither UTF-8 nor cp932 (Shift_JIS); save it as UTF-8 or as Excel CSV")


def _rows_from_table(path: Path) -> list[dict[str, str]]:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for broken files
            raise FileRejected(f"cannot open as Excel: {exc}") from exc
        ws = wb.worksheets[0]
        rows = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        wb.close()
    else:
        rows = list(csv.reader(io.StringIO(read_text_any(path))))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise FileRejected("the file has no rows")
    header = [h.strip() for h in rows[0]]
    return [dict(zip(header, r + [""] * (len(header) - len(r)), strict=False)) for r in rows[1:]]


# --- FAQ --------------------------------------------------------------------------------------------
def _faq_chunk(rec: dict[str, Any], source: str, release: str) -> Chunk:
    question = str(rec["question"]).strip()
    return Chunk(
        id=str(rec["id"]).strip(),
        kind="faq",
        source_id=str(rec["id"]).strip(),
        title=question,
        body=str(rec["answer"]).strip(),
        source=source,
        category=str(rec.get("category", "")),
        release=str(rec.get("release") or release),
        updated=str(rec.get("updated", "")),
        url=str(rec.get("url", "") or ""),
        language=detect_language(question),
    )


def question_alias(chunk: Chunk) -> Chunk:
    """A second vector for the same FAQ entry: the question alone. Retrieval folds it into its entry."""
    return Chunk(
        id=question_alias_id(chunk.id),
        kind=chunk.kind,
        source_id=chunk.source_id,
        title=chunk.title,
        body=chunk.body,
        source=chunk.source,
        category=chunk.category,
        release=chunk.release,
        updated=chunk.updated,
        url=chunk.url,
        language=chunk.language,
        extra={"alias": "question"},
    )


def phrasing_aliases(chunk: Chunk, phrasings: list[str]) -> list[Chunk]:
    """More vectors for the same entry: how citizens actually ask it (colloquial, symptom-first, kana)."""
    out: list[Chunk] = []
    for n, phrasing in enumerate(dict.fromkeys(p.strip() for p in phrasings if p.strip()), start=1):
        alias = question_alias(chunk)
        alias.id = phrasing_alias_id(chunk.id, n)
        alias.extra = {"alias": "phrasing", "phrasing": phrasing}
        out.append(alias)
    return out


_ALIAS_SPLIT = re.compile(r"\s*(?:\n|｜|\|)\s*")


def _aliases_of(rec: dict[str, Any]) -> list[str] | None:
    """The optional `aliases` field: a list in JSON Lines; one cell split on new lines or ｜ in a table.
    None when it is malformed (the caller reports the row)."""
    raw = rec.get("aliases")
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        return [a for a in _ALIAS_SPLIT.split(raw) if a]
    if isinstance(raw, list) and all(isinstance(a, str) for a in raw):
        return raw
    return None


def load_faq(path: Path, source: str, release: str) -> LoadResult:
    records: list[tuple[int, dict[str, Any]]] = []
    issues: list[IngestIssue] = []
    if path.suffix.lower() == ".jsonl":
        for lineno, line in enumerate(read_text_any(path).splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                issues.append(IngestIssue(source, f"not valid JSON: {exc.msg}", row=lineno))
                continue
            if not isinstance(rec, dict):
                issues.append(IngestIssue(source, "a line must be a JSON object", row=lineno))
            elif "_meta" not in rec:
                records.append((lineno, rec))
    else:
        table = _rows_from_table(path)
        missing = [f for f in FAQ_FIELDS if f not in table[0]] if table else list(FAQ_FIELDS)
        if missing:
            raise FileRejected(f"missing column(s): {', '.join(missing)}", field=missing[0])
        records = [(i + 2, r) for i, r in enumerate(table)]
    chunks: list[Chunk] = []
    for row, rec in records:
        missing = [f for f in FAQ_FIELDS if not str(rec.get(f, "") or "").strip()]
        if missing:
            issues.append(
                IngestIssue(source, "required field is missing or empty", row=row, field=missing[0])
            )
            continue
        aliases = _aliases_of(rec)
        if aliases is None:
            issues.append(IngestIssue(source, "aliases must be a list of strings", row=row, field="aliases"))
            continue
        chunk = _faq_chunk(rec, source, release)
        chunks.append(chunk)
        chunks.append(question_alias(chunk))
        chunks.extend(phrasing_aliases(chunk, aliases))
    if not chunks and not issues:
        raise FileRejected("no FAQ entries in the file")
    return chunks, issues


# --- internal notes --------------------------------------------------------------------------------
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def _sections(body: str) -> list[tuple[str, str]]:
    """Split at level-2 headings; short notes stay whole."""
    if len(body) <= 1500:
        return [("", body)]
    parts = re.split(r"(?m)^(##\s+.+)$", body)
    out: list[tuple[str, str]] = []
    if parts[0].strip():
        out.append(("", parts[0].strip()))
    for i in range(1, len(parts), 2):
        out.append((parts[i].lstrip("#").strip(), parts[i + 1].strip() if i + 1 < len(parts) else ""))
    return out or [("", body)]


def load_internal(path: Path, source: str, release: str) -> LoadResult:
    text = read_text_any(path)
    m = _FRONT.match(text)
    if not m:
        raise FileRejected("no YAML front matter (--- id/title/... ---) at the top", row=1)
    try:
        front = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        raise FileRejected(f"front matter is not valid YAML: {exc}", row=1) from exc
    for key in ("id", "title"):
        if not front.get(key):
            raise FileRejected("front matter field is missing", row=1, field=key)
    body = text[m.end() :].strip()
    if not body:
        raise FileRejected("the note has no body")
    aliases = _aliases_of(front)
    if aliases is None:
        raise FileRejected("front matter 'aliases' must be a list of strings", row=1, field="aliases")
    chunks = []
    for i, (heading, section) in enumerate(_sections(body)):
        note_id = str(front["id"])
        chunks.append(
            Chunk(
                id=note_id if i == 0 else f"{note_id}#{i}",
                kind="internal",
                source_id=note_id,
                title=str(front["title"]) + (f" — {heading}" if heading else ""),
                body=section,
                source=source,
                category=str(front.get("category", "")),
                release=str(front.get("release") or release),
                updated=str(front.get("updated", "")),
                language=detect_language(section),
            )
        )
    # A note that answers (a redirect) may list how citizens ask it, like an FAQ entry; they follow its head.
    return chunks + phrasing_aliases(chunks[0], aliases), []


# --- PDF manuals -------------------------------------------------------------------------------------
def _garbled(text: str) -> bool:
    """CID fonts without a ToUnicode map extract as private-use or replacement characters."""
    if not text:
        return False
    bad = sum(
        1 for c in text if c == "\ufffd" or "\ue000" <= c <= "\uf8ff" or (ord(c) < 32 and c not in "\n\t\r")
    )
    return bad / len(text) > 0.05


def load_manual(path: Path, source: str, release: str) -> LoadResult:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
    except (PdfReadError, OSError, ValueError) as exc:
        raise FileRejected(f"not a readable PDF: {exc}") from exc
    if reader.is_encrypted:
        raise FileRejected("the PDF is encrypted; export it without a password")
    metadata: dict[str, Any] = dict(reader.metadata or {})
    title = str(metadata.get("/Title") or path.stem)
    chunks: list[Chunk] = []
    issues: list[IngestIssue] = []
    doc_id = f"man-{path.stem}"
    for pageno, page in enumerate(reader.pages, start=1):
        text = (page.extract_text() or "").strip()
        if _garbled(text):
            issues.append(
                IngestIssue(
                    source,
                    "extracted text is garbled (font without a ToUnicode map)",
                    row=pageno,
                    field="page",
                )
            )
            continue
        if not text:
            continue
        for n, start in enumerate(range(0, len(text), MANUAL_WINDOW - MANUAL_OVERLAP)):
            piece = text[start : start + MANUAL_WINDOW]
            if len(piece.strip()) < 20 and n > 0:
                break
            first_line = piece.strip().splitlines()[0][:60] if piece.strip() else title
            chunks.append(
                Chunk(
                    id=f"{doc_id}-p{pageno}-{n}",
                    kind="manual",
                    source_id=doc_id,
                    title=f"{title} p.{pageno} {first_line}",
                    body=piece.strip(),
                    source=f"{source}#page={pageno}",
                    page=pageno,
                    release=release,
                    language=detect_language(piece),
                )
            )
    if not chunks:
        raise FileRejected("no extractable text (image-only or garbled PDF); OCR it first", field="text")
    return chunks, issues


# --- past inquiries ---------------------------------------------------------------------------------
def load_past(path: Path, source: str, release: str, masker: Masker | None) -> LoadResult:
    if masker is None:
        raise FileRejected(
            "the PII masker is unavailable: past inquiries are not indexed unmasked (fail closed)"
        )
    table = _rows_from_table(path)
    header = set(table[0].keys()) if table else set()
    missing = [c for c in PAST_REQUIRED if c not in header]
    if missing:
        raise FileRejected(f"missing column(s): {', '.join(missing)}", field=missing[0])
    chunks: list[Chunk] = []
    issues: list[IngestIssue] = []
    for i, row in enumerate(table, start=2):
        number = row.get("受付番号", "").strip()
        inquiry = row.get("問合せ内容", "").strip()
        answer = row.get("回答内容", "").strip()
        empty = next(
            (c for c, v in (("受付番号", number), ("問合せ内容", inquiry), ("回答内容", answer)) if not v),
            None,
        )
        if empty:
            issues.append(IngestIssue(source, "required value is empty", row=i, field=empty))
            continue
        masked_q = masker.mask(inquiry).text
        masked_a = masker.mask(answer).text
        escalated = row.get("エスカレーション先", "").strip()
        chunks.append(
            Chunk(
                id=f"past-{number}",
                kind="past_inquiry",
                source_id=f"past-{number}",
                title=masked_q[:80],
                body=f"問合せ: {masked_q}\n回答: {masked_a}",
                source=f"{source}#row={i}",
                page=0,
                category=row.get("カテゴリ", "").strip(),
                release=release,
                updated=row.get("受付日時", "")[:10],
                language=detect_language(masked_q),
                extra={
                    "resolution": row.get("対応区分", "").strip(),
                    "escalated_to": escalated,
                    "channel": row.get("経路", "").strip(),
                },
            )
        )
    return chunks, issues


Loader = Callable[[Path, str, str], LoadResult]
SUPPORTED = {".jsonl", ".csv", ".xlsx", ".md", ".pdf"}


def discover(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUPPORTED
        and not p.name.startswith((".", "_"))
        and p.name not in {"README.md", "SCHEMA.md"}
        and "tools" not in p.relative_to(root).parts
        and "routing" not in p.relative_to(root).parts
    )


def load_file(path: Path, source: str, release: str, masker: Masker | None) -> LoadResult:
    kind = kind_of(path)
    if kind == "faq":
        return load_faq(path, source, release)
    if kind == "internal" and path.suffix.lower() == ".md":
        return load_internal(path, source, release)
    if kind == "manual" and path.suffix.lower() == ".pdf":
        return load_manual(path, source, release)
    if kind == "past_inquiry":
        return load_past(path, source, release, masker)
    raise FileRejected("cannot tell the kind: put it under faq/, internal/, manuals/ or past_inquiries/")
