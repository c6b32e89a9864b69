"""Per-entity precision/recall and latency of both masking engines on the labelled PII set.

    python bench/pii.py [--split heldout|dev|all] [--show-misses]

The figures in the closing notes are from the held-out split (never tuned on).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.masking import build_masker
from app.masking.findings import ENTITY_TYPES
from eval.pii import load_cases, score_masker


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="heldout", choices=["heldout", "dev", "all"])
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    cases = load_cases(split=None if args.split == "all" else args.split)
    print(f"PII set: {len(cases)} cases ({args.split}), {sum(c['decoy'] for c in cases)} decoys")
    for engine in ("presidio", "fast"):
        t = time.perf_counter()
        masker = build_masker(engine)
        masker.mask("ウォームアップ 山田太郎 090-1234-5678")
        load_s = time.perf_counter() - t
        s = score_masker(masker, cases)
        print(f"\n== engine {engine} (load {load_s:.1f}s) ==")
        print(f"{'entity':18} {'n':>4} {'recall':>7} {'precision':>9}")
        for et in ENTITY_TYPES:
            if s.total.get(et):
                print(f"{et:18} {s.total[et]:4d} {s.recall(et):7.3f} {s.precision(et):9.3f}")
        lengths = [len(c["text"]) for c in cases]
        print(
            f"overall recall {s.overall_recall:.3f}; decoys masked {s.decoys_masked}/{s.decoys} = {s.decoy_rate:.3f}"
        )
        print(
            f"latency median {s.median_ms:.1f} ms, p95 {sorted(s.latencies_ms)[int(0.95 * len(s.latencies_ms))]:.1f} ms "
            f"(mean text {sum(lengths) / len(lengths):.0f} chars)"
        )
        long_text = (
            "マイナポータルにログインしようとしたところエラーが出ました。山田太郎、電話090-1234-5678。" * 5
        )[:200]
        t = time.perf_counter()
        for _ in range(30):
            masker.mask(long_text)
        print(f"200-character inquiry: {(time.perf_counter() - t) / 30 * 1000:.1f} ms per call")
        limit_text = ("電話は090-1234-5678です。マイナポータルにログインできません。" * 600)[:20_000]
        t = time.perf_counter()
        masker.mask(limit_text)
        print(f"20,000-character inquiry (the service's limit): {time.perf_counter() - t:.1f} s")
        if args.show_misses:
            for cid, et, value in s.misses:
                print(f"  MISS {cid} {et} {value!r}")
            for cid, masked in s.false_masks[:40]:
                print(f"  FALSE {cid} {masked[:100]!r}")


if __name__ == "__main__":
    main()
