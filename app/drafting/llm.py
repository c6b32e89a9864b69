"""The LLM drafter: langchain-openai ChatOpenAI against any OpenAI-compatible endpoint, JSON structured
output, timeouts and retries. The inquiry goes in as data inside <inquiry> tags, already masked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from app.drafting.base import DraftContext, DraftOutput
from app.drafting.extractive import answer_text
from app.prompts import load_text
from app.schemas import Destination, Recommendation
from app.settings import Settings


class LLMDraft(BaseModel):
    draft: str = Field(..., min_length=1)
    escalate: bool = False
    destination: Destination | None = None
    reason: str = ""


class LLMUnavailableError(RuntimeError):
    pass


def _strip_header(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("<!-- prompt:")).strip()


def build_chat_model(settings: Settings, http_async_client: Any = None) -> Any:
    """The one place the OpenAI-compatible chat model is configured (drafting and the eval judge share it)."""
    if not settings.llm_base_url:
        raise LLMUnavailableError("no LLM endpoint configured (DRAFTDESK_LLM_BASE_URL)")
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed",
        model=settings.llm_model,
        timeout=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        temperature=settings.llm_temperature,
        stream_usage=False,
        http_async_client=http_async_client,
    )


def format_sources(ctx: DraftContext) -> str:
    blocks = []
    for s in ctx.sources:
        blocks.append(f"[{s.number}] {s.chunk.title}（{s.chunk.kind}）\n{answer_text(s)[:1200]}")
    return "\n\n".join(blocks) or "（該当する資料はありません）"


class LLMDrafter:
    mode = "llm"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._model = build_chat_model(settings)
        self._system = _strip_header(load_text(settings.prompts_dir, "draft_system.v1.md"))
        self._user = _strip_header(load_text(settings.prompts_dir, "draft_user.v1.md"))
        self._stream_system = _strip_header(load_text(settings.prompts_dir, "draft_stream_system.v1.md"))

    def messages(self, ctx: DraftContext) -> list[tuple[str, str]]:
        rec = ctx.recommendation
        rec_text = f"{rec.action} / {rec.destination or '-'} / {rec.reason}"
        inquiry = ctx.masked_inquiry.replace("</inquiry>", "</ inquiry>")
        user = self._user.format(sources=format_sources(ctx), inquiry=inquiry, recommendation=rec_text)
        return [("system", self._system), ("human", user)]

    def draft(self, ctx: DraftContext) -> DraftOutput:
        structured = self._model.with_structured_output(LLMDraft, method="json_mode")
        result = structured.invoke(self.messages(ctx))
        if not isinstance(result, LLMDraft):
            result = LLMDraft.model_validate(result)
        rec = ctx.recommendation
        if result.escalate and rec.action == "answer":
            rec = Recommendation(
                action="escalate",
                destination=result.destination or "ask_agency",
                reason=result.reason or "LLMがナレッジ外の内容と判断しました",
                confidence=min(rec.confidence, 0.6),
            )
        return DraftOutput(text=result.draft.strip(), mode=self.mode, recommendation=rec)

    def stream_draft(self, ctx: DraftContext, on_delta: Callable[[str], None]) -> DraftOutput:
        """Plain-text streaming for the page: each delta goes to `on_delta` as it arrives; the whole text then
        goes through the same citation check and scrubbing as any draft."""
        messages = [("system", self._stream_system), self.messages(ctx)[1]]
        parts: list[str] = []
        for chunk in self._model.stream(messages):
            if chunk.content:
                parts.append(str(chunk.content))
                on_delta(str(chunk.content))
        text = "".join(parts).strip()
        if not text:
            raise LLMUnavailableError("the LLM streamed an empty draft")
        return DraftOutput(text=text, mode=self.mode)
