"""The /v1 API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from app.api.deps import get_service
from app.schemas import Draft, DraftRequest
from app.service import DraftService, InquiryError

router = APIRouter(prefix="/v1")
Service = Annotated[DraftService, Depends(get_service)]


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


@router.post("/drafts", response_model=Draft, summary="Draft a PII-masked, cited first reply")
def create_draft(body: DraftRequest, service: Service) -> Draft:
    try:
        return service.draft(body)
    except InquiryError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc


@router.get(
    "/sources/{chunk_id}", response_model=SourceOut, summary="The cited chunk and where it comes from"
)
def get_source(chunk_id: str, service: Service) -> SourceOut:
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
