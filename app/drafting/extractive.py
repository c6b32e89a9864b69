"""The offline, deterministic drafter: composes one reply from the retrieved answers — greeting, the
relevant facts per question with [n] markers, the next step, closing — in Japanese, or English for an
English inquiry. Phrases come from prompts/extractive.v1.yaml."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from app.drafting.base import DraftContext, DraftOutput, Source
from app.prompts import load_phrases
from app.textnorm import char_bigrams

_SENTENCE = re.compile(r"[^。!?！？\n]+[。!?！？]?")
_MARKDOWN = re.compile(r"^\s*(?:#+\s*|[-*]\s+|\d+\.\s+|\|)")
MAX_SENTENCES = 6


def _sentences(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        line = _MARKDOWN.sub("", line).strip().strip("|").strip()
        if line and not set(line) <= set("-|: "):
            lines.append(line)
    out: list[str] = []
    for line in lines:
        out.extend(s.strip() for s in _SENTENCE.findall(line) if len(s.strip()) > 1)
    return out


def answer_text(source: Source) -> str:
    body = source.chunk.body
    if source.chunk.kind == "past_inquiry" and "回答:" in body:
        body = body.split("回答:", 1)[1]
    return body.strip()


def select_sentences(body: str, query: str, kind: str, limit: int = MAX_SENTENCES) -> list[str]:
    """FAQ answers are short and written to be sent: keep them whole. Longer notes and manual pages: keep
    the sentences that share most with the inquiry, in their original order."""
    sentences = _sentences(body)
    if kind in ("faq", "past_inquiry") and len(sentences) <= limit:
        return sentences
    q = set(char_bigrams(query))
    scored = sorted(range(len(sentences)), key=lambda i: -len(q & set(char_bigrams(sentences[i]))))
    keep = sorted(scored[: min(4, limit)])
    return [sentences[i] for i in keep]


RUNNER_UP_RATIO = 0.85  # fit on the dev split


def close_runner_up(topic: list[Source], lead: Source) -> Source | None:
    """A second FAQ entry almost as relevant as the first is worth a short 'see also' paragraph."""
    for source in topic[1:3]:
        if source.chunk.kind == "faq" and source.chunk.source_id != lead.chunk.source_id:
            return source if source.score >= RUNNER_UP_RATIO * lead.score else None
    return None


_JA_QUOTE = re.compile(r"「([^「」]{10,200})」")
_EN_QUOTE = re.compile(r'"([A-Za-z][^"]{10,200})"')


def holding_reply(note_body: str, language: str) -> str:
    """The holding reply an escalation note gives for the citizen (its first quoted reply after 一次連絡)."""
    start = note_body.find("一次連絡")
    if start < 0:
        return ""
    m = (_EN_QUOTE if language == "en" else _JA_QUOTE).search(note_body, start)
    return m.group(1).strip() if m else ""


class ExtractiveDrafter:
    mode = "extractive"

    def __init__(self, prompts_dir: Path) -> None:
        self._phrases: dict[str, Any] = load_phrases(prompts_dir)

    def _paragraph(
        self, source: Source, query: str, language: str, p: dict[str, str], limit: int = MAX_SENTENCES
    ) -> str:
        sentences = select_sentences(answer_text(source), query, source.chunk.kind, limit)
        if not sentences:
            return ""
        note = ""
        if language == "en" and source.chunk.language != "en":
            note = p.get("japanese_source_note", "") + "\n"
        return (
            note + "".join(sentences) + f" [{source.number}]"
            if language == "en"
            else note + "".join(sentences) + f"[{source.number}]"
        )

    def draft(self, ctx: DraftContext) -> DraftOutput:
        p = self._phrases["en" if ctx.language == "en" else "ja"]
        parts = [p["greeting"]]
        chosen: list[Source] = []
        for topic in ctx.topics:
            if topic and topic[0].number not in {s.number for s in chosen}:
                chosen.append(topic[0])
        if ctx.recommendation.action == "escalate":
            route = next(
                (
                    s
                    for s in ctx.sources
                    if s.chunk.kind == "internal" and holding_reply(s.chunk.body, ctx.language)
                ),
                None,
            )
            if route is not None:
                quote = holding_reply(route.chunk.body, ctx.language)
                parts.append(
                    f"{quote} [{route.number}]" if ctx.language == "en" else f"{quote}[{route.number}]"
                )
            else:
                parts.append(p["escalate"])
            info = (
                [s for s in chosen if s.chunk.kind == "faq"][:1]
                if ctx.recommendation.destination != "ask_agency"
                else []
            )
            if info:
                parts.append(p["escalate_with_info"])
                parts.append(self._paragraph(info[0], ctx.masked_inquiry, ctx.language, p))
                chosen = info
            else:
                chosen = []
            if route is not None:
                chosen = [route, *chosen]
        elif len(chosen) <= 1:
            if chosen:
                parts.append(p["intro_one"].format(title=chosen[0].chunk.title.rstrip("？?")))
                parts.append(self._paragraph(chosen[0], ctx.masked_inquiry, ctx.language, p))
                runner_up = close_runner_up(ctx.topics[0], chosen[0])
                if runner_up is not None:
                    parts.append(p["related"].format(title=runner_up.chunk.title.rstrip("？?")))
                    parts.append(self._paragraph(runner_up, ctx.masked_inquiry, ctx.language, p, limit=3))
                    chosen.append(runner_up)
        else:
            parts.append(p["intro_many"].format(count=len(chosen)))
            for source in chosen:
                parts.append(p["topic_heading"].format(title=source.chunk.title.rstrip("？?")))
                parts.append(self._paragraph(source, ctx.masked_inquiry, ctx.language, p))
        shown = {s.number for s in chosen}
        for extra in ctx.supplements:
            if extra.number in shown:
                continue
            paragraph = self._paragraph(extra, ctx.masked_inquiry, ctx.language, p, limit=2)
            if paragraph:
                parts.append(p["supplement"])
                parts.append(paragraph)
                chosen.append(extra)
                shown.add(extra.number)
        parts.append(p["closing"])
        text = "\n\n".join(part for part in parts if part)
        return DraftOutput(text=text, mode=self.mode, cited=[s.number for s in chosen])
