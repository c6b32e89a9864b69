"""The `draftdesk` command as a user runs it (a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.settings import Settings
from tests.cli_helpers import run_cli
from tests.conftest import ROOT


def _run(settings: Settings, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"DRAFTDESK_DATA_DIR": str(settings.data_dir), "DRAFTDESK_LLM_API_KEY": "sk-secret-value"}
    return run_cli(env, *args, stdin=stdin)


def test_config_hides_secrets(indexed_settings: Settings) -> None:
    r = _run(indexed_settings, "config")
    assert r.returncode == 0, r.stderr
    assert "sk-secret-value" not in r.stdout
    assert json.loads(r.stdout)["llm_api_key"] == "********"


def test_draft_json_and_batch(indexed_settings: Settings, tmp_path: Path) -> None:
    r = _run(indexed_settings, "draft", "--json", stdin="マイナ保険証の利用登録の方法を教えてください。")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["citations"] and d["mode"] == "extractive"

    batch = tmp_path / "in.jsonl"
    batch.write_text(
        '{"id": "a1", "inquiry": "暗証番号を忘れました"}\n{"id": "a2", "inquiry": ""}\nnot json\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    r = _run(indexed_settings, "draft", "--batch", str(batch), "--out", str(out))
    assert r.returncode == 1  # two bad lines
    assert "line 3" in r.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["id"] == "a1" and rows[0]["draft"]
    assert rows[1]["id"] == "a2" and "error" in rows[1]


def test_help_lists_commands() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "app.cli", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    for command in ("config", "ingest", "draft", "serve", "eval"):
        assert command in r.stdout


def test_serve_sizes_embedding_threads_by_workers() -> None:
    from app.cli import embedding_threads_for

    assert embedding_threads_for(2, 2, chosen=False) == 1  # two workers on two cores: one thread each
    assert embedding_threads_for(2, 8, chosen=False) == 4
    assert embedding_threads_for(3, 2, chosen=False) == 1
    assert embedding_threads_for(1, 2, chosen=False) is None  # one worker keeps the setting's default
    assert embedding_threads_for(2, 2, chosen=True) is None  # the operator's choice wins
