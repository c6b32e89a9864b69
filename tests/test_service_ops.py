"""Operator service: roles, limits, feedback stored masked, audit, metrics, re-index while drafting."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from fastapi.testclient import TestClient

from app.api.main import create_app
from app.auth import hash_key
from app.service import DraftService
from app.storage import SQLiteRecords, normalized_edit_distance

KEYS = {"op-key": "operator", "km-key": "knowledge_manager", "qa-key": "qa"}


def _client(service: DraftService, tmp_path: Path, **overrides: object) -> TestClient:
    settings = service.settings.model_copy(update={
        "api_keys": {hash_key(k): role for k, role in KEYS.items()},
        "database_path": tmp_path / "records.db", **overrides,
    })  # fmt: skip
    return TestClient(create_app(settings, service=service))


def test_roles_and_clear_errors(service: DraftService, tmp_path: Path) -> None:
    with _client(service, tmp_path) as client:
        r = client.post("/v1/drafts", json={"inquiry": "暗証番号を忘れました"})
        assert r.status_code == 401 and "X-API-Key" in r.json()["detail"]
        assert (
            client.post("/v1/drafts", json={"inquiry": "x"}, headers={"X-API-Key": "wrong"}).status_code
            == 401
        )
        r = client.post(
            "/v1/drafts", json={"inquiry": "暗証番号を忘れました"}, headers={"X-API-Key": "qa-key"}
        )
        assert r.status_code == 403 and "qa" in r.json()["detail"]
        r = client.post("/v1/admin/reindex", json={"release": "x"}, headers={"X-API-Key": "op-key"})
        assert r.status_code == 403
        big = {"inquiry": "あ" * 70_000}
        assert client.post("/v1/drafts", json=big, headers={"X-API-Key": "op-key"}).status_code == 413


def test_rate_limit_per_key(service: DraftService, tmp_path: Path) -> None:
    with _client(service, tmp_path, rate_limit_per_minute=2) as client:
        codes = [
            client.get("/v1/sources/none", headers={"X-API-Key": "op-key"}).status_code for _ in range(3)
        ]
        assert codes == [404, 404, 429]
        assert client.get("/v1/sources/none", headers={"X-API-Key": "km-key"}).status_code == 404  # other key


def test_feedback_is_stored_masked_and_audited(service: DraftService, tmp_path: Path) -> None:
    with _client(service, tmp_path) as client:
        op = {"X-API-Key": "op-key"}
        d = client.post(
            "/v1/drafts", json={"inquiry": "高橋美咲です。公金受取口座の変更方法を教えてください"}, headers=op
        ).json()
        sent = "高橋美咲様\n" + d["draft"] + "\n担当：ヘルプデスク 電話 03-1234-5678"
        r = client.post(
            f"/v1/drafts/{d['id']}/feedback", json={"outcome": "edited", "final_text": sent}, headers=op
        )
        assert r.status_code == 200 and 0 < r.json()["edit_distance"] < 0.5
        assert (
            client.post("/v1/drafts/d_nope/feedback", json={"outcome": "accepted"}, headers=op).status_code
            == 404
        )
        audit = client.get("/v1/admin/audit", headers={"X-API-Key": "qa-key"}).json()
        assert [e["action"] for e in audit[:2]] == ["feedback.edited", "draft.create"]
        metrics = client.get("/metrics").text
        assert "draftdesk_requests_total" in metrics and "draftdesk_escalation_rate" in metrics
    db = (tmp_path / "records.db").read_bytes()
    for value in ("高橋美咲", "03-1234-5678"):
        assert value.encode() not in db  # everything stored is masked
    rows = SQLiteRecords(tmp_path / "records.db").feedback_between("2000", "9999")
    assert rows[0]["outcome"] == "edited" and "<PERSON_1>" in rows[0]["final_text"]
    stored = SQLiteRecords(tmp_path / "records.db").get_draft(d["id"])
    assert stored is not None and stored["category"] == "公金受取口座"  # the FAQ category, counted in reports


def test_edit_distance() -> None:
    assert normalized_edit_distance("abc", "abc") == 0.0
    assert normalized_edit_distance("abc", "abd") == 1 / 3
    assert normalized_edit_distance("", "abc") == 1.0


def _lowered(pid: int) -> bool:
    """The child lowers itself as its first step: wait for it (at most a few seconds). Nice and the scheduling
    class are per thread on Linux, so every thread of the child is checked, not only the main one."""
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            tids = [int(t.name) for t in Path(f"/proc/{pid}/task").iterdir()]
            idle = all(os.sched_getscheduler(t) == os.SCHED_IDLE for t in tids)
            nice = all(os.getpriority(os.PRIO_PROCESS, t) == 19 for t in tids)
            group = Path(f"/proc/{pid}/autogroup").read_text()
        except (ProcessLookupError, FileNotFoundError):
            if not Path(f"/proc/{pid}").exists():
                return False
            continue  # a thread ended while we looked
        if idle and nice and group.rstrip().endswith("nice 19"):
            return True
        time.sleep(0.05)
    return False


def test_reindex_runs_in_background_while_drafting(service: DraftService, tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(
        service.settings.knowledge_dir, knowledge, ignore=shutil.ignore_patterns("tools", "*.pdf", "*.xlsx")
    )
    data = tmp_path / "data"
    settings = service.settings.model_copy(update={"knowledge_dir": knowledge, "data_dir": data})
    own = DraftService(settings, masker=service.masker, embedder=service.embedder)
    km = {"X-API-Key": "km-key"}
    with _client(own, tmp_path) as client:
        r = client.post("/v1/admin/reindex", json={"release": "2026.12", "path": "faq"}, headers=km)
        assert r.status_code == 202, r.text
        job = r.json()["id"]
        assert client.post("/v1/admin/reindex", json={"release": "again"}, headers=km).status_code == 409
        pid = client.get("/v1/admin/releases", headers=km).json()["jobs"][0]["pid"]
        assert _lowered(pid), "the re-index child must run at the lowest CPU priority"
        drafted = client.post(
            "/v1/drafts", json={"inquiry": "暗証番号を忘れました"}, headers={"X-API-Key": "op-key"}
        )
        assert drafted.status_code == 200  # drafting keeps working during the re-index
        deadline = time.time() + 600
        while time.time() < deadline:
            jobs = client.get("/v1/admin/releases", headers=km).json()["jobs"]
            if jobs[0]["state"] != "running":
                break
            time.sleep(1)
        assert jobs[0]["id"] == job and jobs[0]["state"] == "done", jobs[0]
        assert jobs[0]["counts"]["faq"]["added"] > 200
        releases = client.get("/v1/admin/releases", headers=km).json()
        assert releases["active_release"] == "2026.12" and releases["releases"][0]["release"] == "2026.12"
        bad = client.post("/v1/admin/reindex", json={"release": "x", "path": "../../etc"}, headers=km)
        assert bad.status_code == 422


def test_blas_pools_are_sized_for_a_server(service: DraftService) -> None:
    """An idle BLAS thread spins on the core another request needs (measured: twice the CPU per draft)."""
    from threadpoolctl import threadpool_info

    service.warm_up()
    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    assert blas and all(i["num_threads"] == service.settings.blas_threads == 1 for i in blas)
