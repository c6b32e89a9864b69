"""The draft contract: the same JSON from the CLI (`draftdesk draft --json`) and `POST /v1/drafts`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Channel = Literal["web_form", "free_dial", "app_helpdesk"]
SourceKind = Literal["faq", "internal", "manual", "past_inquiry"]
Action = Literal["answer", "escalate"]
Destination = Literal["agency", "ops_vendor", "ministry", "ask_agency"]
Mode = Literal["extractive", "llm"]


class DraftRequest(BaseModel):
    inquiry: str = Field(..., min_length=1, description="The citizen's inquiry, as received (unmasked)")
    channel: Channel = "web_form"


class Citation(BaseModel):
    id: str = Field(..., description="Chunk id, usable with GET /v1/sources/{id}")
    kind: SourceKind
    title: str
    source: str = Field(..., description="Source file (and page) or URL")
    snippet: str
    score: float


class Recommendation(BaseModel):
    action: Action
    destination: Destination | None = None
    reason: str
    confidence: float = Field(..., ge=0.0, le=1.0)


class Alert(BaseModel):
    kind: str
    message: str
    severity: Literal["info", "warning", "critical"] = "warning"


class Draft(BaseModel):
    id: str
    masked_inquiry: str
    draft: str
    language: Literal["ja", "en"]
    citations: list[Citation]
    recommendation: Recommendation
    alerts: list[Alert] = Field(default_factory=list)
    mode: Mode
    timings_ms: dict[str, float] = Field(default_factory=dict)
