"""Load: N concurrent clients posting extractive drafts for S seconds to a real server on loopback, then the
same again while a re-index runs. Reports p50/p95 latency and errors.

    python bench/load.py [--clients 8] [--seconds 60]

Starts `draftdesk serve` itself on a free port over a temporary copy of the knowledge and index.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.dataset import load_split
from eval.metrics import percentile

ROOT = Path(__file__).resolve().parent.parent


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


ERROR_KINDS: dict[str, int] = {}
SERVER_TOTALS: list[float] = []  # the pipeline's own time (timings_ms.total), to tell queueing from work


def hammer(url: str, inquiries: list[str], clients: int, seconds: float) -> tuple[list[float], int, int]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        with httpx.Client(timeout=30) as client:
            while time.monotonic() < stop:
                t = time.perf_counter()
                kind = ""
                try:
                    response = client.post(f"{url}/v1/drafts", json={"inquiry": rng.choice(inquiries)})
                    if response.status_code != 200:
                        kind = f"HTTP {response.status_code}: {response.text[:120]}"
                    else:
                        SERVER_TOTALS.append(float(response.json()["timings_ms"]["total"]))
                except httpx.HTTPError as exc:
                    kind = type(exc).__name__
                ok = not kind
                with lock:
                    if kind:
                        ERROR_KINDS[kind] = ERROR_KINDS.get(kind, 0) + 1
                    latencies.append((time.perf_counter() - t) * 1000)
                    errors += not ok

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return latencies, errors, len(latencies)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    inquiries = [c.inquiry for c in load_split("heldout")]
    with tempfile.TemporaryDirectory() as tmp:
        knowledge = Path(tmp) / "knowledge"
        shutil.copytree(ROOT / "knowledge", knowledge, ignore=shutil.ignore_patterns("tools"))
        env = {
            **os.environ,
            "DRAFTDESK_DATA_DIR": str(Path(tmp) / "data"),
            "DRAFTDESK_KNOWLEDGE_DIR": str(knowledge),
            "DRAFTDESK_RATE_LIMIT_PER_MINUTE": "1000000",
            "DRAFTDESK_EMBEDDING_THREADS": "1",
        }
        draftdesk = [sys.executable, "-m", "app.cli"]
        subprocess.run(
            [*draftdesk, "ingest", str(knowledge), "--release", "load.1"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        port = _port()
        server_log = Path(tmp) / "server.log"
        server = subprocess.Popen(
            [*draftdesk, "serve", "--port", str(port), "--workers", str(args.workers)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=server_log.open("w"),
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 180
            while time.time() < deadline:
                try:
                    if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(1)
            # Warm-up until a round has no error: /readyz answers from whichever worker is up, and each worker
            # loads its models and fits the route classifier (503 until ready; longer as the labelled set grows).
            for _ in range(18):
                if hammer(url, inquiries, 4, 10)[1] == 0:
                    break
            SERVER_TOTALS.clear()
            ERROR_KINDS.clear()
            lat, err, n = hammer(url, inquiries, args.clients, args.seconds)
            print(
                f"  pipeline time inside the server: p50 {percentile(SERVER_TOTALS, 0.5):.0f} ms, "
                f"p95 {percentile(SERVER_TOTALS, 0.95):.0f} ms"
            )
            print(
                f"{args.clients} clients x {args.seconds:.0f}s, {args.workers} worker(s): {n} drafts, {err} errors, "
                f"p50 {percentile(lat, 0.5):.0f} ms, p95 {percentile(lat, 0.95):.0f} ms, {n / args.seconds:.1f} drafts/s"
            )
            for f in sorted((knowledge / "faq").glob("*.jsonl"))[:4]:  # a release that changes four FAQ files
                lines = f.read_text(encoding="utf-8").splitlines()
                out = []
                for line in lines:
                    rec = json.loads(line)
                    if "answer" in rec:
                        rec["answer"] += "（負荷試験用の変更）"
                    out.append(json.dumps(rec, ensure_ascii=False))
                f.write_text("\n".join(out) + "\n", encoding="utf-8")
            job = httpx.post(f"{url}/v1/admin/reindex", json={"release": "load.2"}, timeout=10).json()
            lat, err, n = hammer(url, inquiries, args.clients, args.seconds)
            state = httpx.get(f"{url}/v1/admin/releases", timeout=10).json()["jobs"][0]
            print(
                f"during re-index {job['id']} ({state['state']} at the end): {n} drafts, {err} errors, "
                f"p50 {percentile(lat, 0.5):.0f} ms, p95 {percentile(lat, 0.95):.0f} ms"
            )
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            if ERROR_KINDS:
                print("errors by kind:", json.dumps(ERROR_KINDS, ensure_ascii=False))
                tracebacks = [
                    line for line in server_log.read_text(errors="replace").splitlines() if "Error" in line
                ]
                print("server log, error lines:", *tracebacks[-8:], sep="\n  ")


if __name__ == "__main__":
    main()
