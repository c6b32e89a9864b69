"""Citations are checked after generation: only markers of offered sources survive, and factual sentences
without a marker are flagged. The invalid-citation rate is an evaluation metric."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MARKER = re.compile(r"\[(\d{1,2})\]")
_SENTENCE = re.compile(r"[^。.!?！？\n]+[。.!?！？]?")
_NON_FACTUAL = re.compile(
    r"ありがとうございます|ございます。$|お問い合わせ|よろしくお願い|お待ちください|改めてご連絡|恐れ入ります|ご案内いたします|"
    r"ご確認ください|Thank you|contact us|get back to you|patience|please see|■",
    re.IGNORECASE,
)


@dataclass
class CitationCheck:
    text: str
    cited: list[int] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    uncited_sentences: list[str] = field(default_factory=list)

    @property
    def invalid_count(self) -> int:
        return len(self.invalid)


def check_citations(text: str, valid_numbers: set[int]) -> CitationCheck:
    """Drop markers that point at nothing offered; list factual sentences that cite nothing."""
    invalid: list[str] = []

    def keep(m: re.Match[str]) -> str:
        if int(m.group(1)) in valid_numbers:
            return m.group(0)
        invalid.append(m.group(0))
        return ""

    cleaned = MARKER.sub(keep, text)
    cited = sorted({int(n) for n in MARKER.findall(cleaned)})
    uncited: list[str] = []
    for paragraph in cleaned.split("\n"):
        paragraph = paragraph.strip()
        if not paragraph or MARKER.search(paragraph):
            continue
        for sentence in _SENTENCE.findall(paragraph):
            s = sentence.strip()
            if len(s) > 8 and not _NON_FACTUAL.search(s):
                uncited.append(s)
    return CitationCheck(cleaned, cited, invalid, uncited)
