"""The LLM judge (ragas faithfulness, response relevancy, LLM context precision) against a real OpenAI-compatible
HTTP server on localhost whose replies follow the data (tests/openai_stub.py: RagasJudgeReplies)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.embeddings import Embedder, build_embedder
from app.settings import Settings
from eval.harness import EvalSummary, apply_judge, judge_mode, score_case
from eval.llm_judge import JudgeCase, JudgeOptions, judge, summarize
from eval.report import to_markdown
from tests.conftest import make_settings
from tests.openai_stub import ChatServer, RagasJudgeReplies, chat_server

INQUIRY = "暗証番号を3回間違えてロックされました。どうすればいいですか"
LOCK = "ロックは市区町村の窓口で解除できます。"
FEE = "手数料は無料です。"
SOURCE = f"暗証番号のロック\n{LOCK}本人確認書類をお持ちください。"
OTHER = "公金受取口座の登録\nマイナポータルから登録できます。"


@pytest.fixture()
def stub() -> Iterator[ChatServer]:
    with chat_server() as server:
        server.reply_fn = RagasJudgeReplies(malformed_marker="【壊】")
        yield server


@pytest.fixture(autouse=True)
def no_tiktoken(monkeypatch: pytest.MonkeyPatch) -> None:
    """tiktoken downloads its encodings on first use: any call fails the test."""
    import tiktoken
    import tiktoken.load
    import tiktoken.model
    import tiktoken.registry

    def refuse(*args: object, **kwargs: object) -> Any:
        raise AssertionError("tiktoken was called")

    for module, name in (
        (tiktoken, "get_encoding"),
        (tiktoken, "encoding_for_model"),
        (tiktoken.registry, "get_encoding"),
        (tiktoken.model, "get_encoding"),
        (tiktoken.model, "encoding_for_model"),
        (tiktoken.load, "read_file"),
        (tiktoken.load, "read_file_cached"),
    ):
        monkeypatch.setattr(module, name, refuse)


def _settings(tmp_path: Path, url: str | None, **kw: object) -> Settings:
    values: dict[str, object] = {"llm_model": "judge-model", "llm_timeout_s": 5.0, "llm_max_retries": 0, **kw}
    return make_settings(tmp_path, llm_base_url=url, **values)


def _embedder(settings: Settings) -> Embedder:
    return build_embedder(settings)


def test_scores_follow_the_judges_verdicts(stub: ChatServer, tmp_path: Path) -> None:
    settings = _settings(tmp_path, stub.url)
    cases = [  # the same draft; only what the sources support and their order differ
        JudgeCase("all", INQUIRY, f"{LOCK}[1] {FEE}", [f"{SOURCE}{FEE}", OTHER], LOCK),
        JudgeCase("half", INQUIRY, f"{LOCK}[1] {FEE}", [OTHER, SOURCE], LOCK),
    ]
    results = {r.id: r for r in judge(cases, settings, _embedder(settings))}
    full, half = results["all"].scores, results["half"].scores
    assert full["ragas_faithfulness"] == pytest.approx(1.0)
    assert half["ragas_faithfulness"] == pytest.approx(0.5)
    assert full["ragas_llm_context_precision"] == pytest.approx(1.0)  # the useful source first
    assert half["ragas_llm_context_precision"] == pytest.approx(0.5)  # … second
    for scores in (full, half):
        assert 0.3 < scores["ragas_response_relevancy"] <= 1.0  # the inquiry vs a question from the draft
        assert all(0.0 <= v <= 1.0 for v in scores.values())
    assert not results["all"].errors and not results["half"].errors
    assert isinstance(stub.reply_fn, RagasJudgeReplies)
    # statements + verdicts, one question, one verdict per source; per case
    assert stub.reply_fn.seen == {"statements": 2, "nli": 2, "question": 2, "context_precision": 4}
    assert all(r.get("n") in (None, 1) for r in stub.requests)  # never relies on `n`
    metrics = summarize(list(results.values()))
    assert metrics["ragas_faithfulness"] == pytest.approx(0.75) and metrics["llm_judge_errors"] == 0
    from ragas._analytics import do_not_track

    assert do_not_track()  # ragas telemetry off (app/telemetry.py)


def test_noncommittal_draft_scores_zero_relevancy(tmp_path: Path) -> None:
    with chat_server() as server:
        server.reply_fn = RagasJudgeReplies(noncommittal=True)
        settings = _settings(tmp_path, server.url)
        [result] = judge([JudgeCase("n", INQUIRY, LOCK, [SOURCE], LOCK)], settings, _embedder(settings))
    assert result.scores["ragas_response_relevancy"] == 0.0
    assert result.scores["ragas_faithfulness"] == pytest.approx(1.0)


def test_malformed_reply_and_timeout_are_errors_not_crashes(stub: ChatServer, tmp_path: Path) -> None:
    settings = _settings(tmp_path, stub.url)
    cases = [
        JudgeCase("ok", INQUIRY, LOCK, [SOURCE], LOCK),
        JudgeCase("bad", INQUIRY, f"【壊】{LOCK}", [SOURCE], LOCK),  # replies about this draft are not JSON
    ]
    results = {r.id: r for r in judge(cases, settings, _embedder(settings), JudgeOptions(concurrency=1))}
    bad = results["bad"]
    assert math.isnan(bad.scores["ragas_faithfulness"]) and math.isnan(bad.scores["ragas_response_relevancy"])
    assert bad.scores["ragas_llm_context_precision"] == pytest.approx(1.0)  # its prompt has no draft
    assert [e.split(":")[0] for e in bad.errors] == ["ragas_faithfulness", "ragas_response_relevancy"]
    assert bad.to_json()["ragas_faithfulness"] is None and len(bad.to_json()["errors"]) == 2
    assert results["ok"].scores["ragas_faithfulness"] == pytest.approx(1.0) and not results["ok"].errors
    metrics = summarize(list(results.values()))
    assert metrics["llm_judge_errors"] == 2 and metrics["ragas_faithfulness"] == pytest.approx(1.0)

    stub.replies.append((200, "{}", 2.0))  # the next request answers after the client's timeout
    slow = _settings(tmp_path, stub.url, llm_timeout_s=0.5)
    [late] = judge([JudgeCase("late", INQUIRY, LOCK, [SOURCE], LOCK)], slow, _embedder(slow))
    assert math.isnan(late.scores["ragas_faithfulness"]) and "Timeout" in late.errors[0]
    assert late.scores["ragas_llm_context_precision"] == pytest.approx(1.0)


def test_no_unmasked_pii_reaches_the_judge(stub: ChatServer, tmp_path: Path) -> None:
    from app.chunks import Chunk
    from app.masking import build_masker
    from app.schemas import Draft, Recommendation
    from app.service import DraftTrace
    from eval.llm_judge import case_from_trace

    mask = build_masker("fast").mask(f"山田太郎と申します。電話090-1234-5678。{INQUIRY}")
    assert "山田太郎" not in mask.text and "090-1234-5678" not in mask.text
    # a draft and a source that (wrongly) contain this inquiry's values: the judge must not pass them on
    draft = Draft(
        id="d_1",
        masked_inquiry=mask.text,
        draft=f"山田太郎様 {LOCK}[1] 090-1234-5678 宛にご連絡します。",
        language="ja",
        citations=[],
        mode="llm",
        recommendation=Recommendation(action="answer", reason="r", confidence=0.9),
    )
    chunks = {
        "faq-1": Chunk("faq-1", "faq", "faq-1", "暗証番号のロック", f"{LOCK}山田太郎", "faq/x.jsonl"),
        "faq-2": Chunk("faq-2", "faq", "faq-2", "公金受取口座", "登録できます。", "faq/x.jsonl"),
    }
    trace = DraftTrace(draft, ["faq-1", "faq-2", "missing"], ["faq-1", "faq-2"], mask=mask)
    case = case_from_trace("pii", trace, chunks, LOCK, max_contexts=5)
    assert len(case.contexts) == 2
    settings = _settings(tmp_path, stub.url)
    [result] = judge([case], settings, _embedder(settings))
    sent = stub.all_text()
    assert stub.requests and not result.errors
    assert "山田太郎" not in sent and "090-1234-5678" not in sent
    assert "<PERSON_1>" in sent and "<PHONE_NUMBER_1>" in sent and "ロックは市区町村" in sent


def test_harness_rows_metrics_and_report(stub: ChatServer, tmp_path: Path) -> None:
    from eval.dataset import EvalCase

    case = EvalCase(id="ev-1", inquiry=INQUIRY, expected_action="answer", gold_ids=["faq-1"],
                    reference_answer=LOCK, key_facts=["市区町村"])  # fmt: skip
    draft: dict[str, Any] = {"draft": f"{LOCK}[1] {FEE}", "masked_inquiry": INQUIRY, "citations": [],
                             "recommendation": {"action": "answer", "destination": None, "confidence": 0.9}}  # fmt: skip
    other = case.model_copy(update={"id": "ev-2"})
    results = [score_case(case, draft, ["faq-1"], 10.0, 0, []), score_case(other, draft, [], 1.0, 0, [])]
    settings = _settings(tmp_path, stub.url)
    metrics = {"single_resolution": 1.0}
    to_judge = [JudgeCase("ev-1", INQUIRY, draft["draft"], [SOURCE], LOCK)]  # the judge limit left ev-2 out
    metrics.update(apply_judge(results, to_judge, settings, _embedder(settings), JudgeOptions()))
    assert metrics["llm_judge_cases"] == 1 and metrics["ragas_faithfulness"] == pytest.approx(0.5)
    row = results[0].to_json()
    assert row["judge"]["ragas_faithfulness"] == pytest.approx(0.5) and "errors" not in row["judge"]
    assert "judge" not in results[1].to_json()
    summary = EvalSummary("dev", "llm", metrics, results, tmp_path / "r", {"llm_judge": "on"})
    text = to_markdown(summary)
    assert "| Faithfulness (draft statements supported by the sources) | 0.500 |" in text
    assert "1 of 2 cases judged; 0 judge error(s)" in text


def test_without_an_endpoint_nothing_is_attempted(tmp_path: Path) -> None:
    settings = _settings(tmp_path, None)
    assert judge([JudgeCase("x", INQUIRY, LOCK, [SOURCE], LOCK)], settings, _embedder(settings)) == []
    assert judge_mode(False, "llm", True) == "no_endpoint"
    assert judge_mode(True, "llm", None) == "on" and judge_mode(True, "extractive", None) == "off"
    assert judge_mode(True, "extractive", True) == "on" and judge_mode(True, "llm", False) == "off"
    summary = EvalSummary(
        "dev", "llm", {"single_resolution": 1.0}, [], tmp_path / "r", {"llm_judge": "no_endpoint"}
    )
    text = to_markdown(summary)
    assert "LLM judge metrics: not measured (no LLM endpoint)." in text
    assert "ragas_faithfulness" not in summary.metrics
