"""App factory. The service loads in the background so /healthz answers at once and /readyz tells when
drafting is ready (masker and index loaded)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse, JSONResponse

from app.api.metrics import Metrics
from app.api.routes import router
from app.auth import RateLimiter
from app.service import DraftService
from app.settings import Settings, get_settings
from app.storage import SQLiteRecords

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
    app.state.settings = settings
    app.state.service = None
    app.state.load_error = None
    app.state.reindex = None
    app.state.records = SQLiteRecords(settings.resolved_database_path())
    app.state.limiter = RateLimiter(settings.rate_limit_per_minute)
    app.state.metrics = metrics = Metrics()
    app.include_router(router)
    if settings.cors_origins:  # off by default: the page is served from the same origin
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-API-Key", "Authorization"],
        )

    @app.middleware("http")
    async def limits_and_metrics(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > settings.max_request_bytes:
            return JSONResponse(
                {"detail": f"request body over {settings.max_request_bytes} bytes"}, status_code=413
            )
        start = time.perf_counter()
        response = await call_next(request)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        metrics.requests.labels(request.method, route, str(response.status_code)).inc()
        metrics.latency.labels(route).observe(time.perf_counter() - start)
        if route == "/v1/drafts" and response.status_code == 200:
            action = response.headers.get("X-Draftdesk-Action", "")
            metrics.draft(action, response.headers.get("X-Draftdesk-Destination") or None, "")
        return response

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

    @app.get("/metrics", include_in_schema=False)
    def prometheus() -> Response:
        return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/static/{name}", include_in_schema=False, response_model=None)
    def static(name: str) -> Response:
        path = (STATIC / name).resolve()
        if path.parent != STATIC or not path.exists():
            return JSONResponse({"detail": "not found"}, status_code=404)
        return FileResponse(path)

    return app
