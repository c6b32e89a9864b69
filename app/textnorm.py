"""Text normalisation that keeps a map back to the original offsets (masks must land on the original)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SOUND_MARKS = {"\uff9e", "\uff9f", "\u3099", "\u309a", "\u309b", "\u309c"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Normalized:
    """NFKC text plus, for each of its characters, the [start, end) span in the original text."""

    text: str
    starts: list[int]
    ends: list[int]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if start >= end:
            return (self.starts[start] if start < len(self.starts) else len(self.starts), start)
        return self.starts[start], self.ends[end - 1]


def normalize_with_map(text: str) -> Normalized:
    """NFKC per grapheme-ish cluster: a base char with its trailing sound marks (ｶﾞ → ガ) normalises together."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        j = i + 1
        while j < n and (text[j] in _SOUND_MARKS or unicodedata.combining(text[j])):
            j += 1
        piece = unicodedata.normalize("NFKC", text[i:j])
        for ch in piece:
            out.append(ch)
            starts.append(i)
            ends.append(j)
        i = j
    return Normalized("".join(out), starts, ends)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def clean_input(text: str) -> str:
    """Drop control characters (keep newlines and tabs); callers reject what is left empty."""
    return _CONTROL.sub("", text)


def detect_language(text: str) -> str:
    """'en' when the text is mostly Latin letters, else 'ja' (the helpdesk's default)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "ja"
    latin = sum(1 for c in letters if c.isascii())
    return "en" if latin / len(letters) > 0.7 else "ja"


def to_hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)


_KATAKANA = re.compile(r"[\u30a1-\u30f6]")
# Grammar written in katakana: the object particle, or a polite ending that is not the start of a loanword
# (「デスクトップ」 is not 「デス」). A run of loanwords alone (「マイナポータル ログイン エラー」) has neither.
_KATAKANA_GRAMMAR = re.compile(r"ヲ|(デス|マス|マシタ|マセン|デショウ|クダサイ|ナイ)(?![\u30a1-\u30f6ー])")
TELEGRAM_MIN_KATAKANA = 12
TELEGRAM_MIN_SHARE = 0.8


def telegram_katakana_as_hiragana(text: str) -> str:
    """A whole inquiry in katakana (「コウキン ウケトリ コウザ ヲ トウロク スルト…」: an old phone, a writer who learned
    to type that way) as hiragana, so that it meets what reads hiragana-only text (the kana rewrite, the kana rules);
    in katakana it matched neither the knowledge's kanji nor its readings. Loanwords turn back into themselves in
    the kana rewrite (「まいなんばーかーど」→「マイナンバーカード」). Anything else is returned as it is."""
    letters = [c for c in text if c.isalpha() and not c.isascii()]
    katakana = sum(1 for c in letters if _KATAKANA.match(c))
    if katakana < TELEGRAM_MIN_KATAKANA or katakana / len(letters) < TELEGRAM_MIN_SHARE:
        return text
    if not _KATAKANA_GRAMMAR.search(text):
        return text
    return to_hiragana(text)


def char_bigrams(text: str) -> list[str]:
    """Character bigrams of NFKC-lowercased text without spaces: robust for Japanese where words have no spaces."""
    t = re.sub(r"\s+", "", nfkc(text).lower())
    if len(t) < 2:
        return [t] if t else []
    return [t[i : i + 2] for i in range(len(t) - 1)]
