"""Request-scoped dependencies: the one DraftService of this process."""

from __future__ import annotations

from fastapi import HTTPException, Request

from app.service import DraftService


def get_service(request: Request) -> DraftService:
    service: DraftService | None = getattr(request.app.state, "service", None)
    if service is None:
        raise HTTPException(status_code=503, detail="the service is starting; try again in a few seconds")
    return service
