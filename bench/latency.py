"""End-to-end extractive draft latency (mask + retrieve + recommend + draft), after warm-up.

python bench/latency.py [--split heldout] [--engine presidio|fast] [--repeat 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.schemas import DraftRequest
from app.service import DraftService
from app.settings import get_settings
from eval.dataset import load_split
from eval.metrics import percentile


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="heldout")
    parser.add_argument("--engine", default=None, choices=[None, "presidio", "fast"])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    settings = get_settings()
    if args.engine:
        settings = settings.model_copy(update={"mask_engine": args.engine})
    service = DraftService(settings)
    service.warm_up()
    cases = load_split(args.split)
    for c in cases[:10]:  # warm-up: first calls load caches and JIT paths
        service.draft(DraftRequest(inquiry=c.inquiry))
    totals: list[float] = []
    parts: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        for c in cases:
            t = time.perf_counter()
            d = service.draft(DraftRequest(inquiry=c.inquiry, channel=c.channel))
            totals.append((time.perf_counter() - t) * 1000)
            for k, v in d.timings_ms.items():
                parts.setdefault(k, []).append(v)
    print(
        f"{len(totals)} extractive drafts ({args.split}, mask engine {settings.mask_engine}), after warm-up"
    )
    print(
        f"end to end: p50 {percentile(totals, 0.5):.0f} ms, p95 {percentile(totals, 0.95):.0f} ms, "
        f"max {max(totals):.0f} ms, mean {statistics.mean(totals):.0f} ms"
    )
    for name, values in parts.items():
        print(f"  {name:9} p50 {percentile(values, 0.5):6.1f} ms  p95 {percentile(values, 0.95):6.1f} ms")


if __name__ == "__main__":
    main()
