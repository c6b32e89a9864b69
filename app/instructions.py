"""Inquiry text is data, never instructions. Sentences that address the assistant (「以前の指示を無視して…」,
「この文章を読んだAIは…」) are flagged, and left out of what is retrieved and routed on: they say nothing about the
citizen's question and would pull the search toward unrelated knowledge. The draft still answers the question."""

from __future__ import annotations

import re

INJECTION = re.compile(
    r"(以前|前|上記|これまで|今まで)の(指示|命令|プロンプト|設定)を(無視|忘れ)|システムプロンプト|"
    r"(AI|ＡＩ|あなた|アシスタント|チャットボット|ボット)(は|へ|に|への)[^。\n]{0,30}"
    r"(必ず|出力|書き加え|付け加え|従[えっ]|無視|命令|指示)|"
    r"ignore (all |the |any )?(previous|prior|above|earlier) (instructions|prompts?)|system prompt|"
    r"you are now|as an ai",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^。！？!?\n]*(?:[。！？!?\n]+|$)")


def has_instructions(text: str) -> bool:
    return INJECTION.search(text) is not None


def without_instructions(text: str) -> str:
    """The inquiry minus the sentences that carry instructions (the whole text when nothing else is left)."""
    if not has_instructions(text):
        return text
    kept = [s for s in _SENTENCE.findall(text) if s.strip() and not INJECTION.search(s)]
    rest = "".join(kept).strip()
    return rest or text
