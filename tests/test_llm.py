"""The llm drafting mode against a real OpenAI-compatible HTTP server on localhost."""

from __future__ import annotations

import json

from app.schemas import DraftRequest
from app.service import DraftService
from app.settings import Settings
from tests.openai_stub import chat_server

INQUIRY = "山田太郎と申します。電話090-1234-5678。暗証番号を3回間違えてロックされました。どうすればいいですか"


def _service(base: Settings, url: str, **kw: object) -> DraftService:
    settings = base.model_copy(
        update={
            "llm_base_url": url,
            "llm_model": "test-model",
            "llm_timeout_s": 2.0,
            "llm_max_retries": 0,
            "draft_mode": "llm",
            **kw,
        }
    )
    return DraftService(settings)


def test_llm_draft_is_masked_validated_and_cited(indexed_settings: Settings) -> None:
    with chat_server() as server:
        reply = {
            "draft": "お問い合わせありがとうございます。ロックは市区町村の窓口で解除できます。[1] 詳細は[42]をご覧ください。",
            "escalate": False,
            "destination": None,
            "reason": "FAQで回答可能",
        }
        server.replies.append((200, json.dumps(reply, ensure_ascii=False), 0.0))
        d = _service(indexed_settings, server.url).draft(DraftRequest(inquiry=INQUIRY))
        sent = server.all_text()
    assert d.mode == "llm"
    assert "山田太郎" not in sent and "090-1234-5678" not in sent  # nothing unmasked reached the LLM
    assert "<PERSON_1>" in sent and "<inquiry>" in sent
    assert "[42]" not in d.draft and "[1]" in d.draft  # unknown citation removed
    assert any(a.kind == "invalid_citation" for a in d.alerts)
    assert len(d.citations) == 1


def test_llm_failure_falls_back_to_extractive(indexed_settings: Settings) -> None:
    with chat_server() as server:
        server.replies.append((500, "boom", 0.0))
        d = _service(indexed_settings, server.url).draft(DraftRequest(inquiry=INQUIRY))
    assert d.mode == "extractive"
    assert any(a.kind == "llm_fallback" for a in d.alerts)
    assert "[1]" in d.draft


def test_llm_timeout_falls_back(indexed_settings: Settings) -> None:
    with chat_server() as server:
        server.replies.append((200, "{}", 3.0))
        d = _service(indexed_settings, server.url, llm_timeout_s=0.5).draft(DraftRequest(inquiry=INQUIRY))
    assert d.mode == "extractive" and any(a.kind == "llm_fallback" for a in d.alerts)


def test_llm_can_turn_an_answer_into_an_escalation(indexed_settings: Settings) -> None:
    with chat_server() as server:
        reply = {
            "draft": "確認のうえ、改めてご連絡いたします。",
            "escalate": True,
            "destination": "agency",
            "reason": "仕様の理由はナレッジにない",
        }
        server.replies.append((200, json.dumps(reply, ensure_ascii=False), 0.0))
        d = _service(indexed_settings, server.url).draft(
            DraftRequest(inquiry="公金受取口座の登録方法を教えてください")
        )
    assert d.recommendation.action == "escalate" and d.recommendation.destination == "agency"
