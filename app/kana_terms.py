"""Written forms for the hiragana spellings of the knowledge's own words.

An inquiry written all in hiragana (「こうきんうけとりこうざの とうろくを やめたい」) shares no characters with the knowledge
and embeds far from it: the dense models read 「こうきんうけとりこうざ」 as an unknown string. The reading BM25 list
meets it, but alone it cannot carry the ranking. Rewriting the hiragana back into the knowledge's words
(「公金受取口座の 登録を やめたい」) before the dense query is embedded lets the vectors meet too. The vocabulary is
the knowledge's own nouns and their Sudachi readings, so nothing outside it is ever "corrected"."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from app import sudachi
from app.textnorm import nfkc, telegram_katakana_as_hiragana, to_hiragana

MIN_READING = 3  # 「こうざ」→口座; shorter readings (「かい」「きん」) are too ambiguous
# Readings that are, far more often, everyday kana: inflections and words a citizen writes in kana inside
# ordinary text. Rewritten, 「していない」 became 「指定ない」, 「できない」 「で機内」, 「だいじょうぶ」 「だ以上ぶ」,
# 「うちじゃないって いわれた」 「うちじゃな一定われた」 and 「きのうから」 (yesterday) 「機能から」. Counted over the
# labelled inquiries' kana runs, these were the readings the rewrite took most often that were not the noun.
EVERYDAY_KANA = frozenset(
    {
        "してい",  # している → 指定
        "しよう",  # しようと → 仕様
        "いない",  # していない → 以内
        "きない",  # できない → 機内
        "きたい",  # いきたい → 期待
        "どうい",  # どういう → 同意
        "かって",  # わかって → 勝手
        "ないよう",  # ないように → 内容
        "こうい",  # こういう → 行為
        "せたい",  # みせたい → 世帯
        "かわり",  # かわりました → 代わり
        "いってい",  # いっています → 一定
        "らいた",  # ひらいたら → ライタ
        "さんか",  # むすめさんから → 参加
        "いどう",  # いったいどう → 移動
        "いじょう",  # だいじょうぶ → 以上
        "ちょう",  # ちょうど → 町
        "きのう",  # きのう (yesterday) → 機能
        "ようやく",  # ようやく (at last) → 要約
        "じゅう",  # いちにちじゅう → 重
        "ていき",  # していきます → 定期
        "かいてい",  # かいていない → 改訂
        "いこう",  # いこうと → 以降
        "いらい",  # いらいら → 依頼
        "じたい",  # しんじたい → 自体
    }
)
MAX_READING = 16
_WRITTEN = re.compile(r"[一-龥々ァ-ヴー]")
_HIRAGANA_RUN = re.compile(r"[ぁ-ゖー]+")
_SPACE_IN_HIRAGANA = re.compile(r"(?<=[ぁ-ゖー])[ \u3000]+(?=[ぁ-ゖー])")


def _nouns(text: str) -> Iterable[tuple[str, str]]:
    for mode in ("A", "C"):  # short words and the compounds they make
        for _, m in sudachi.morphemes(text, mode):
            if m.part_of_speech()[0] != "名詞":
                continue
            surface = m.surface()
            reading = to_hiragana(m.reading_form())
            if _WRITTEN.search(surface) and MIN_READING <= len(reading) <= MAX_READING:
                yield reading, surface


class KanaTerms:
    def __init__(self, texts: Iterable[str]) -> None:
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for text in texts:
            for reading, surface in _nouns(nfkc(text)):
                if _HIRAGANA_RUN.fullmatch(reading) and reading not in EVERYDAY_KANA:
                    counts[reading][surface] += 1
        self._written = {reading: c.most_common(1)[0][0] for reading, c in counts.items()}
        self._longest = max((len(r) for r in self._written), default=0)

    def __len__(self) -> int:
        return len(self._written)

    def written_form(self, text: str) -> str:
        """The text as the routing rules read it: spaces between hiragana words dropped (「かいがい に すんで」 is
        one run), then `rewrite`. The spaces split the runs the rewrite looks up and the phrases rules match. An
        all-katakana inquiry is read as hiragana first."""
        return self.rewrite(_SPACE_IN_HIRAGANA.sub("", telegram_katakana_as_hiragana(nfkc(text))))

    def rewrite(self, text: str) -> str:
        """Each hiragana run, left to right, longest known reading first; what matches nothing stays as written."""
        return _HIRAGANA_RUN.sub(lambda m: self._rewrite_run(m.group(0)), text)

    def _rewrite_run(self, run: str) -> str:
        out: list[str] = []
        i = 0
        while i < len(run):
            for length in range(min(self._longest, len(run) - i), MIN_READING - 1, -1):
                written = self._written.get(run[i : i + length])
                if written is not None:
                    out.append(written)
                    i += length
                    break
            else:
                out.append(run[i])
                i += 1
        return "".join(out)
