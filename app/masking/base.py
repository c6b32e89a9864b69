"""The masker interface and the shared placeholder logic every engine uses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from app.masking.findings import Finding, resolve_overlaps
from app.textnorm import Normalized, clean_input, normalize_with_map

MAX_CHUNK = 2_000  # NER works on bounded chunks so a 100k-character paste stays bounded in time
PLACEHOLDER_RE = re.compile(r"<([A-Z_]+)_(\d+)>")


class MaskingError(ValueError):
    """Raised for input that cannot be masked safely (never returned as unmasked text)."""


@dataclass
class MaskedSpan:
    entity: str
    start: int  # offsets in the original text
    end: int
    placeholder: str


@dataclass
class MaskResult:
    """The masked text and, for this request only, the placeholder → original value map."""

    text: str
    spans: list[MaskedSpan] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict, repr=False)

    def unmask(self, text: str, only: set[str] | None = None) -> str:
        """Put values back into `text` (e.g. the addressee's name) — for display only, never for storage."""

        def repl(m: re.Match[str]) -> str:
            if only is not None and m.group(1) not in only:
                return m.group(0)
            return self.mapping.get(m.group(0), m.group(0))

        return PLACEHOLDER_RE.sub(repl, text)


class Masker(Protocol):
    name: str

    def mask(self, text: str) -> MaskResult: ...


def canonical_value(entity: str, value: str) -> str:
    """The same value in two spellings (０９０－… and 090-…) gets the same placeholder."""
    norm = normalize_with_map(value).text.lower()
    if entity == "PERSON" and _LATIN_NAME.fullmatch(norm.strip()):
        return "".join(sorted(norm.split()))  # 「SAMPLE John」 and 「John Sample」 are one person
    if entity in {"PERSON", "LOCATION"}:
        return re.sub(r"[\s・]", "", norm)
    return re.sub(r"[^0-9a-z@._]", "", norm)


def with_repeats(text: str, findings: list[Finding]) -> list[Finding]:
    """Every occurrence of a value that was judged personal data, not only the one a recognizer saw: NER
    finds a name in one sentence and misses it in the next (「キヤクウ タロウ」…「キャクウタロウ」)."""
    kept = resolve_overlaps(findings)
    extra: list[Finding] = []
    for value, entity, score in {(text[f.start : f.end], f.entity, f.score) for f in kept}:
        if len(value.strip()) < 2:
            continue
        for m in repeat_pattern(value, entity).finditer(text):
            if all(m.end() <= k.start or m.start() >= k.end for k in kept):
                extra.append(Finding(entity, m.start(), m.end(), score))
    return findings + extra


_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z'\-]*(?:\s+[A-Za-z][A-Za-z'\-]*){1,2}")


def repeat_pattern(value: str, entity: str) -> re.Pattern[str]:
    """Where else the value stands: in any letter case, and for a Latin name of two or three words also in the
    other order (「SAMPLE John」 is written 「SAMPLE JOHN」 on the residence card and 「John Sample」 day to day)."""
    if entity == "PERSON" and _LATIN_NAME.fullmatch(value.strip()):
        words = tuple(value.split())
        body = "|".join(r"[\s,]+".join(map(re.escape, order)) for order in sorted({words, words[::-1]}))
        return re.compile(rf"(?<![A-Za-z])(?:{body})(?![A-Za-z])", re.IGNORECASE)
    return re.compile(re.escape(value), re.IGNORECASE)


def apply_findings(original: str, norm: Normalized, findings: list[Finding]) -> MaskResult:
    """Map findings back to the original offsets, number placeholders in reading order, replace."""
    kept = resolve_overlaps(with_repeats(norm.text, findings))
    counters: dict[str, int] = {}
    by_value: dict[tuple[str, str], str] = {}
    spans: list[MaskedSpan] = []
    for f in kept:
        start, end = norm.to_original(f.start, f.end)
        value = original[start:end]
        key = (f.entity, canonical_value(f.entity, value))
        placeholder = by_value.get(key)
        if placeholder is None:
            counters[f.entity] = counters.get(f.entity, 0) + 1
            placeholder = f"<{f.entity}_{counters[f.entity]}>"
            by_value[key] = placeholder
        spans.append(MaskedSpan(f.entity, start, end, placeholder))
    pieces: list[str] = []
    cursor = 0
    mapping: dict[str, str] = {}
    for s in spans:
        pieces.append(original[cursor : s.start])
        pieces.append(s.placeholder)
        mapping.setdefault(s.placeholder, original[s.start : s.end])
        cursor = s.end
    pieces.append(original[cursor:])
    return MaskResult("".join(pieces), spans, mapping)


def prepare(text: str | bytes) -> str:
    """Validate input once for every engine: bytes must be UTF-8, control characters are dropped."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MaskingError(f"input is not valid UTF-8 (byte {exc.start})") from exc
    if not isinstance(text, str):
        raise MaskingError("input must be text")
    return clean_input(text).replace("\ufffd", "")


def chunks(text: str, size: int = MAX_CHUNK) -> list[tuple[int, str]]:
    """Split at sentence ends near `size` so entities are rarely cut; returns (offset, piece)."""
    out: list[tuple[int, str]] = []
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + size)
        if end < len(text):
            cut = max(text.rfind(c, pos + size // 2, end) for c in "。\n!?！？")
            if cut > pos:
                end = cut + 1
        out.append((pos, text[pos:end]))
        pos = end
    return out
