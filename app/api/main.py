"""App factory. The service loads in the background so /healthz answers at once and /readyz tells when
drafting is ready (masker and index loaded)."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse

from app.api.routes import router
from app.service import DraftService
from app.settings import Settings, get_settings

log = logging.getLogger("draftdesk.api")
STATIC = Path(__file__).resolve().parent.parent / "static"


def _load(app: FastAPI, settings: Settings) -> None:
    try:
        service = DraftService(settings)
        service.warm_up()
        app.state.service = service
    except Exception as exc:  # reported by /readyz; the process stays up for diagnosis
        log.exception("service failed to load")
        app.state.load_error = f"{type(exc).__name__}: {exc}"


def create_app(settings: Settings | None = None, service: DraftService | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if service is not None:
            app.state.service = service
        else:
            threading.Thread(target=_load, args=(app, settings), daemon=True).start()
        yield

    app = FastAPI(
        title="draftdesk",
        version="0.1.0",
        lifespan=lifespan,
        description="PII-masked, cited first-reply drafts for the マイナポータル helpdesk.",
    )
    app.state.service = None
    app.state.load_error = None
    app.include_router(router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> JSONResponse:
        svc: DraftService | None = app.state.service
        if svc is None:
            return JSONResponse({"ready": False, "error": app.state.load_error}, status_code=503)
        checks = svc.ready()
        return JSONResponse(
            {"ready": all(checks.values()), **checks}, status_code=200 if all(checks.values()) else 503
        )

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> FileResponse:
        path = (STATIC / name).resolve()
        if path.parent != STATIC or not path.exists():
            return JSONResponse({"detail": "not found"}, status_code=404)  # type: ignore[return-value]
        return FileResponse(path)

    return app
