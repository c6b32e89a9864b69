"""Choose which inquiries of a labelled pool the route classifier also learns from: those a classifier trained on
the base set (the dev split) gets wrong or is unsure of.

Usage: python -m eval.select_labelled [--pool eval/datasets/probe.jsonl] [--below 0.8]
                                      [--out eval/datasets/probe_hard.jsonl]

Why a selection and not the whole pool: each labelled inquiry is masked and embedded (e5 and USE) when the router
is built, ~60 ms each on these CPUs. Learning the whole probe split (11,756) cost the first router build ~12 min;
its 1,372 hard cases cost ~1.5 min, and on fresh batches neither had learned the two scored alike (decision 0.967
and 0.965, escalation recall 0.997 both, against 0.958 / 0.983 for dev alone; docs/decisions.md, 2026-12-06
seventeenth session). The pool's lines are copied as they are, so the labels stay the pool's; re-run after the
pool or the dev split changes. Heldout is refused. Takes ~12 min for the probe split (masked texts and vectors
are cached in data_dir/router-cache, so a re-run is quick; the router it builds learns dev alone, so the next start of the
service embeds the selected cases again, ~90 s).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from app.labelled import LabelledInquiry
from app.semantic_router import SemanticRouter
from app.service import DraftService
from app.settings import Settings
from eval.dataset import load_split

DEFAULT_POOL = Path("eval/datasets/probe.jsonl")
DEFAULT_OUT = Path("eval/datasets/probe_hard.jsonl")
BASE = [Path("eval/datasets/dev.jsonl")]
# Chosen on six fresh batches (719 cases): below 0.8 kept the gain of learning the whole pool at an eighth of
# the cost; below 0.5 (737 cases) was not measured.
DEFAULT_BELOW = 0.8


def hard_lines(
    service: DraftService, cases: list[tuple[str, LabelledInquiry]], below: float
) -> tuple[list[str], Counter[str]]:
    """The pool lines whose labelled route the base classifier gives a probability under `below`."""
    texts = service.router_texts([case.inquiry for _, case in cases], use="select")
    cache_dir = service.settings.data_dir / "router-cache"
    vectors = SemanticRouter.embed_texts(texts, service.embedder, cache_dir, use="select")
    router = service.router()
    chosen: list[str] = []
    routes: Counter[str] = Counter()
    for (line, case), text, vector in zip(cases, texts, vectors, strict=True):
        if router.route_probabilities(vector, text).get(case.route, 0.0) < below:
            chosen.append(line)
            routes[case.route] += 1
    return chosen, routes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pool", type=Path, default=DEFAULT_POOL)
    parser.add_argument("--below", type=float, default=DEFAULT_BELOW)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    cases = [
        (line, LabelledInquiry.model_validate_json(line))
        for line in args.pool.read_text(encoding="utf-8").splitlines()
        if line.strip() and "_meta" not in json.loads(line)
    ]
    heldout = {case.inquiry for case in load_split("heldout")}
    if any(case.inquiry in heldout for _, case in cases):
        raise SystemExit(f"{args.pool} holds heldout inquiries: the heldout split is never learned from")
    service = DraftService(Settings(labelled_inquiries=BASE))
    chosen, routes = hard_lines(service, cases, args.below)
    meta = {
        "_meta": f"{len(chosen)} of the {len(cases)} cases of {args.pool} whose labelled route the route "
        f"classifier trained on {', '.join(map(str, BASE))} gives a probability under {args.below} "
        f"(python -m eval.select_labelled, {datetime.now(UTC):%Y-%m-%d}). Sample data, copied from the pool."
    }
    args.out.write_text("\n".join([json.dumps(meta, ensure_ascii=False), *chosen]) + "\n", encoding="utf-8")
    print(f"{len(chosen)} of {len(cases)} selected: {dict(routes.most_common())} -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
