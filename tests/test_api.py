"""The HTTP service, started for real (uvicorn on a free localhost port)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from app.api.main import create_app
from app.service import DraftService


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(service: DraftService) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(service.settings, service=service), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_health_and_ready(base_url: str) -> None:
    assert httpx.get(f"{base_url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{base_url}/readyz")
    assert ready.status_code == 200 and ready.json()["ready"] is True


def test_post_draft_returns_the_contract(base_url: str) -> None:
    r = httpx.post(
        f"{base_url}/v1/drafts",
        timeout=30,
        json={
            "inquiry": "鈴木一郎です。公金受取口座を変更したいです。どうすればいいですか",
            "channel": "web_form",
        },
    )
    assert r.status_code == 200, r.text
    d = r.json()
    assert set(d) == {
        "id",
        "masked_inquiry",
        "draft",
        "language",
        "citations",
        "recommendation",
        "alerts",
        "mode",
        "timings_ms",
    }
    assert "鈴木一郎" not in r.text
    assert d["citations"] and d["recommendation"]["action"] in ("answer", "escalate")
    source = httpx.get(f"{base_url}/v1/sources/{d['citations'][0]['id']}").json()
    assert source["id"] == d["citations"][0]["id"] and source["text"]


def test_bad_requests_are_clear(base_url: str) -> None:
    r = httpx.post(f"{base_url}/v1/drafts", json={"inquiry": "", "channel": "web_form"})
    assert r.status_code == 422
    r = httpx.post(f"{base_url}/v1/drafts", json={"inquiry": "テスト", "channel": "fax"})
    assert r.status_code == 422 and "channel" in r.text
    assert httpx.get(f"{base_url}/v1/sources/no-such-id").status_code == 404


def test_page_is_served(base_url: str) -> None:
    r = httpx.get(f"{base_url}/")
    assert r.status_code == 200 and "回答案を作成" in r.text
    assert httpx.get(f"{base_url}/static/app.js").status_code == 200
