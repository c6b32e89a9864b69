"""Request-scoped dependencies: the process's services and the caller's identity (role), rate-limited."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from app.auth import Principal, authenticate
from app.reindex import ReindexManager
from app.service import DraftService
from app.storage import Records


def get_service(request: Request) -> DraftService:
    service: DraftService | None = getattr(request.app.state, "service", None)
    if service is None:
        raise HTTPException(status_code=503, detail="the service is starting; try again in a few seconds")
    return service


def get_records(request: Request) -> Records:
    return request.app.state.records


def get_reindex(request: Request, service: Annotated[DraftService, Depends(get_service)]) -> ReindexManager:
    if request.app.state.reindex is None:
        request.app.state.reindex = ReindexManager(service.settings)
    return request.app.state.reindex


def get_principal(request: Request) -> Principal:
    state = request.app.state
    principal = authenticate(request, state.settings.api_keys)
    if not state.limiter.check(principal.actor):
        raise HTTPException(status_code=429, detail="rate limit exceeded for this API key; slow down")
    return principal
