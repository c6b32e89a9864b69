"""The text of a proposed FAQ entry, extractive and rule-based: a short question cut out of the most central
inquiry, and an answer assembled from public knowledge (FAQ answers, manuals) with a 【要確認】 marker — or a
note that the Agency must write it. Internal notes are operator-only: listed as references, never quoted."""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.drafting.extractive import select_sentences
from app.retrieval import Hit, split_questions
from app.textnorm import nfkc

REVIEW_MARK = "【要確認】"
NO_ANSWER = (
    f"{REVIEW_MARK}既存のナレッジに該当する情報が見つかりませんでした。"
    "この回答はデジタル庁で作成してください。"
)
QUOTABLE = ("faq", "manual")  # published material; internal notes are for operators only
MAX_QUESTION_CHARS = 80
MAX_ANSWER_SENTENCES = 5
RUNNER_UP_MARGIN = 0.05  # topic similarity; a second quoted source must be this close to the best one

_PLACEHOLDER_INTRO = re.compile(
    r"<[A-Z_]+_\d+>\s*(?:さん|様)?\s*(?:です|と申します|といいます|と言います)?\s*[。、,.]?"
)
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=\.)\s+|\n")
EMPTY_QUESTION = "（質問文を作成してください）"
_EMPTY_BRACKETS = re.compile(
    r"[（(]\s*(?:電話|携帯|TEL|連絡先|メール|住所|番号)?\s*[:：]?\s*[）)]", re.IGNORECASE
)
_EVERYWHERE = re.compile(r"マイナポータル(?:アプリ)?|マイナンバーカード|マイナンバー|マイナ")
_GREETING = re.compile(
    r"^(?:お世話にな(?:って|り)|いつもお世話|お疲れ様|こんにちは|こんばんは|おはようございます|はじめまして|初めまして|"
    r"初めて(?:問い?合わせ|連絡|メール|利用)|突然の|夜分|お忙しい|失礼(?:いた)?します|恐れ入ります|"
    r"よろしくお願い|宜しくお願い|以上です|ありがとうございます|ご回答|ご教示|hello|hi\b|dear\b|thank)",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"^(?:あの[ー〜]*|えっ?と[ー〜]*|えーと|すみません|すいません|ところで|それで|実は|質問(?:です|があります)?が?|"
    r"お聞きしたいのですが|お尋ねしますが?|教えてほしいのですが)[、,\s]*"
)
_TRAILING = re.compile(r"(?:よろしくお願い(?:いた)?します|宜しくお願いします)?[\s。．.！!？?]*$")


def _clean(masked: str) -> str:
    text = nfkc(masked)
    text = _PLACEHOLDER_INTRO.sub("", text)
    text = re.sub(r"<[A-Z_]+_\d+>", "", text)
    return _EMPTY_BRACKETS.sub("", text)  # 「（電話 <PHONE_NUMBER_1>）」 leaves 「（電話 ）」


def _drop_greeting(sentence: str) -> str:
    """「お世話になっております、…」 keeps what follows the greeting; a sentence that is only a greeting goes."""
    if not _GREETING.match(sentence):
        return sentence
    rest = re.split(r"[、,]", sentence, maxsplit=1)
    return rest[1].strip() if len(rest) == 2 and len(rest[1].strip()) >= 6 else ""


def _content_chars(text: str) -> int:
    """Kanji, katakana and Latin letters, not counting the names every inquiry here mentions."""
    return len(re.findall(r"[一-龥々ァ-ヴーA-Za-z]", _EVERYWHERE.sub("", text)))


def faq_question(masked_inquiry: str) -> str:
    """The inquiry as a short FAQ title: placeholders, greetings and preambles dropped, the first
    question-like sentence kept (else the last sentence) — with the sentence before it when it says little
    on its own (「どうすればいいですか」) — ending in 「。」 (English keeps its own end)."""
    sentences = [s.strip() for s in _SENTENCE_END.split(_clean(masked_inquiry)) if s and s.strip()]
    body = [rest for s in sentences if len(rest := _drop_greeting(s)) >= 4]
    if not body:
        body = [s for s in sentences if s] or [_clean(masked_inquiry).strip()]
    at = next((i for i, s in enumerate(body) if split_questions(s)), len(body) - 1)
    chosen = _FILLER.sub("", body[at]).strip()
    if at > 0 and _content_chars(chosen) < 6:
        chosen = _FILLER.sub("", body[at - 1]).strip() + chosen
    english = not re.search(r"[ぁ-んァ-ヴ一-龥]", chosen)
    end = "?" if english and chosen.endswith("?") else ("." if english else "。")
    chosen = _TRAILING.sub("", chosen).strip()
    if not chosen:
        return EMPTY_QUESTION
    if len(chosen) > MAX_QUESTION_CHARS:
        chosen = chosen[:MAX_QUESTION_CHARS].rstrip("、, ") + "…"
    return chosen + end


def compose_answer(question: str, scored: Sequence[tuple[Hit, float]]) -> tuple[str, list[str]]:
    """An extractive first draft from the relevant hits with their topic similarity (closest first): the
    sentences of the closest public source, and of a second one nearly as close, that share most with the
    question. Returns the answer and the ids it quotes."""
    quoted: list[str] = []
    sentences: list[str] = []
    public = [(h, sim) for h, sim in scored if h.chunk.kind in QUOTABLE]
    for hit, sim in public:
        if hit.chunk.source_id in quoted or len(quoted) == 2:
            continue
        if quoted and sim < public[0][1] - RUNNER_UP_MARGIN:
            break  # a second source only when it is nearly as close as the first
        picked = select_sentences(hit.chunk.body, question, hit.chunk.kind, limit=3)[:3]
        fresh = [s if s[-1] in "。.!?！？" else s + "。" for s in picked if s not in sentences]
        if fresh:
            quoted.append(hit.chunk.source_id)
            sentences.extend(fresh)
    if not sentences:
        return NO_ANSWER, []
    note = (
        f"{REVIEW_MARK}既存ナレッジ（{', '.join(quoted)}）から抜き出した下書きです。"
        "デジタル庁で内容を確認・修正し、この注記を消してから公開してください。"
    )
    return note + "\n" + "".join(sentences[:MAX_ANSWER_SENTENCES]), quoted
