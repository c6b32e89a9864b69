"""The /v1 API."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from app.api.deps import get_principal, get_records, get_reindex, get_service
from app.auth import Principal, require
from app.reindex import ReindexBusyError, ReindexManager
from app.schemas import Destination, Draft, DraftRequest
from app.service import DraftService, InquiryError
from app.storage import FeedbackRecord, Records, normalized_edit_distance

router = APIRouter(prefix="/v1")
Service = Annotated[DraftService, Depends(get_service)]
Caller = Annotated[Principal, Depends(get_principal)]
Store = Annotated[Records, Depends(get_records)]

DRAFTERS = ("operator", "knowledge_manager")


class SourceOut(BaseModel):
    id: str
    kind: str
    source_id: str
    title: str
    text: str
    source: str
    page: int
    url: str
    category: str
    release: str
    updated: str


class FeedbackIn(BaseModel):
    outcome: Literal["accepted", "edited", "rejected", "escalated"]
    final_text: str = Field("", max_length=20_000, description="The reply the operator actually sent")
    escalated_to: Destination | None = Field(None, description="The escalation actually taken, if any")


class FeedbackOut(BaseModel):
    draft_id: str
    outcome: str
    edit_distance: float | None


class ReindexIn(BaseModel):
    release: str = Field(
        ..., min_length=1, max_length=40, description="Knowledge release label, e.g. 2026.12"
    )
    path: str | None = Field(None, description="Folder under the knowledge directory (default: all of it)")


@router.post("/drafts", response_model=Draft, summary="Draft a PII-masked, cited first reply")
def create_draft(
    body: DraftRequest, service: Service, caller: Caller, records: Store, response: Response
) -> Draft:
    require(caller, *DRAFTERS)
    try:
        draft = service.draft(body)
    except InquiryError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    records.save_draft(draft, body.channel, caller.actor, service.category_of(draft))
    records.audit(caller.actor, caller.role, "draft.create", draft.id, f"{draft.recommendation.action}")
    response.headers["X-Draftdesk-Action"] = draft.recommendation.action
    response.headers["X-Draftdesk-Destination"] = draft.recommendation.destination or ""
    return draft


@router.post(
    "/drafts/stream",
    summary="The same draft as server-sent events: 'delta' text as an LLM writes, then 'draft'",
)
def stream_draft(body: DraftRequest, service: Service, caller: Caller, records: Store) -> StreamingResponse:
    require(caller, *DRAFTERS)
    events: queue.Queue[tuple[str, str] | None] = queue.Queue()

    def delta(text: str) -> None:
        events.put(("delta", json.dumps({"text": text}, ensure_ascii=False)))

    def run() -> None:
        try:
            draft = service.trace(body, on_delta=delta).draft
            records.save_draft(draft, body.channel, caller.actor, service.category_of(draft))
            records.audit(
                caller.actor, caller.role, "draft.create", draft.id, f"{draft.recommendation.action} (stream)"
            )
            events.put(("draft", draft.model_dump_json()))
        except InquiryError as exc:
            events.put(("error", json.dumps({"detail": str(exc)}, ensure_ascii=False)))
        except Exception as exc:  # the stream must end with an event, whatever happened
            events.put(("error", json.dumps({"detail": type(exc).__name__}, ensure_ascii=False)))
        finally:
            events.put(None)

    threading.Thread(target=run, daemon=True).start()

    def sse() -> Iterator[str]:
        while (item := events.get()) is not None:
            yield f"event: {item[0]}\ndata: {item[1]}\n\n"

    return StreamingResponse(sse(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@router.post(
    "/drafts/{draft_id}/feedback", response_model=FeedbackOut, summary="What the operator did with a draft"
)
def give_feedback(
    draft_id: str, body: FeedbackIn, service: Service, caller: Caller, records: Store
) -> FeedbackOut:
    require(caller, *DRAFTERS)
    stored = records.get_draft(draft_id)
    if stored is None:
        raise HTTPException(status_code=404, detail=f"no draft with id {draft_id!r}")
    final = service.masker.mask(body.final_text).text if body.final_text.strip() else ""  # stored masked
    distance = normalized_edit_distance(stored["draft"], final) if final else None
    records.save_feedback(
        FeedbackRecord(draft_id, body.outcome, final, body.escalated_to, distance, caller.actor)
    )
    records.audit(caller.actor, caller.role, f"feedback.{body.outcome}", draft_id)
    return FeedbackOut(draft_id=draft_id, outcome=body.outcome, edit_distance=distance)


@router.get(
    "/sources/{chunk_id}", response_model=SourceOut, summary="The cited chunk and where it comes from"
)
def get_source(chunk_id: str, service: Service, caller: Caller) -> SourceOut:
    chunk = service.retriever.snapshot().by_id.get(chunk_id) or service.store.get_chunk(chunk_id)
    if chunk is None:
        raise HTTPException(status_code=404, detail=f"no source with id {chunk_id!r} in the active index")
    return SourceOut(
        id=chunk.id,
        kind=chunk.kind,
        source_id=chunk.source_id,
        title=chunk.title,
        text=chunk.body,
        source=chunk.source,
        page=chunk.page,
        url=chunk.url,
        category=chunk.category,
        release=chunk.release,
        updated=chunk.updated,
    )


@router.post("/admin/reindex", status_code=202, summary="Re-index the knowledge (knowledge managers)")
def start_reindex(
    body: ReindexIn,
    service: Service,
    caller: Caller,
    records: Store,
    manager: Annotated[ReindexManager, Depends(get_reindex)],
) -> dict[str, Any]:
    require(caller, "knowledge_manager")
    root = service.settings.knowledge_dir
    if body.path:
        candidate = (root / body.path).resolve()
        if root.resolve() not in (candidate, *candidate.parents) or not candidate.exists():
            raise HTTPException(
                status_code=422, detail=f"path {body.path!r} is not a folder under the knowledge directory"
            )
        root = candidate
    try:
        job = manager.start(body.release, Path(root), caller.actor)
    except ReindexBusyError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from exc
    records.audit(caller.actor, caller.role, "reindex.start", job.id, body.release)
    return job.__dict__


@router.get("/admin/releases", summary="Re-index jobs (all workers) and the release log with diffs")
def list_releases(
    service: Service, caller: Caller, manager: Annotated[ReindexManager, Depends(get_reindex)]
) -> dict[str, Any]:
    require(caller, "knowledge_manager", "qa")
    from ingest.pipeline import read_release_log

    return {
        "jobs": manager.describe(),
        "active_release": service.store.active_release(),
        "releases": list(reversed(read_release_log(service.settings.data_dir)))[:50],
    }


@router.get("/alerts", summary="Open failure alerts with their (masked) inquiries")
def list_alerts(service: Service, caller: Caller) -> list[dict[str, Any]]:
    require(caller, "operator", "knowledge_manager", "qa")
    return [a.describe() for a in service.detector.open_alerts()]


@router.get("/admin/audit", summary="Recent audit events")
def audit_events(caller: Caller, records: Store, limit: int = 100) -> list[dict[str, Any]]:
    require(caller, "knowledge_manager", "qa")
    return records.audit_events(min(max(limit, 1), 1000))
