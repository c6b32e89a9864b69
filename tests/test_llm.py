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


def test_streaming_draft_over_server_sent_events(indexed_settings: Settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from app.api.main import create_app

    with chat_server() as server:
        text = "お問い合わせありがとうございます。ロックの解除は市区町村の窓口で行えます。[1] よろしくお願いいたします。"
        server.replies.append((200, text, 0.0))
        svc = _service(indexed_settings, server.url)
        app = create_app(svc.settings.model_copy(update={"database_path": tmp_path / "r.db"}), service=svc)
        with (
            TestClient(app) as client,
            client.stream("POST", "/v1/drafts/stream", json={"inquiry": INQUIRY}) as r,
        ):
            body = "".join(r.iter_text())
        sent = server.all_text()
    assert r.headers["content-type"].startswith("text/event-stream")
    deltas = [json.loads(line[6:])["text"] for line in body.splitlines() if line.startswith('data: {"text"')]
    assert len(deltas) > 3 and "".join(deltas) == text
    final = json.loads(body.split("event: draft\ndata: ", 1)[1].split("\n", 1)[0])
    assert final["mode"] == "llm" and "[1]" in final["draft"] and final["citations"]
    assert "山田太郎" not in sent and '"stream": true' in sent
