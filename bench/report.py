"""Operations reports at volume: N synthetic stored drafts (+ feedback for a share) over one month in a
temporary SQLite file, written through the real SQLiteRecords; then the monthly report is timed end to end
(read the period from SQLite → build → write the .xlsx). Target: ≤ 30 s for 5,000 inquiries. FAQ-gap
proposals are timed on the same data unless --no-faq (that needs an index: a temporary one of
knowledge/faq is built first, not counted), with the time spent embedding shown separately.

Inquiry texts are the sample evaluation inquiries with varied greetings and closings (near-duplicates, as real
inquiries are), masked with the fast masker before they are stored.

    .venv/bin/python bench/report.py [--n 5000] [--feedback-share 0.6] [--no-faq] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.embeddings import Embedder, Matrix
from app.masking import build_masker
from app.ops.periods import PeriodKind, Window, day_start, iso, period_for
from app.ops.reports import build_report, fetch_period
from app.ops.xlsx_report import write_report_xlsx
from app.schemas import Alert, Channel, Destination, Draft, Recommendation
from app.settings import Settings
from app.storage import FeedbackRecord, SQLiteRecords
from app.textnorm import detect_language
from eval.dataset import load_split

MONTH = date(2026, 11, 1)
CHANNELS: list[Channel] = ["web_form", "free_dial", "app_helpdesk"]
DESTINATIONS: list[Destination] = ["agency", "ops_vendor", "ministry", "ask_agency"]
ROOT = Path(__file__).resolve().parent.parent


def populate(records: SQLiteRecords, db: Path, n: int, feedback_share: float, rng: random.Random) -> int:
    """Store n drafts spread over MONTH and feedback for about `feedback_share` of them; returns the
    feedback count. Timestamps are set afterwards (save_* stamp 'now')."""
    masker = build_masker("fast")
    cases = load_split("dev") + load_split("heldout")
    pool = [(masker.mask(c.inquiry).text, c.category, c.expected_action) for c in cases]
    openers = [
        "",
        "お世話になります。",
        "<PERSON_1>と申します。",
        "すみません、",
        "いつもお世話になっております。",
    ]
    closers = ["", "よろしくお願いします。", "至急教えてください。", "困っています。", "（<PHONE_NUMBER_1>）"]
    month = period_for(PeriodKind.monthly, MONTH)
    seconds = (month.end - month.start).days * 86400
    stamps: list[tuple[str, str]] = []
    feedback_stamps: list[tuple[str, str]] = []
    given = 0
    for i in range(n):
        base, category, expected = rng.choice(pool)
        english = detect_language(base) == "en"
        text = base if english else rng.choice(openers) + base + rng.choice(closers)  # near-duplicates
        escalate = expected == "escalate" or rng.random() < 0.03
        low = rng.random() < 0.08
        alerts = (
            [Alert(kind="suspected_failure", severity="critical", message="障害の疑い")]
            if rng.random() < 0.01
            else ([Alert(kind="invalid_citation", message="削除")] if rng.random() < 0.02 else [])
        )
        draft = Draft(
            id=f"d_{i:06d}",
            masked_inquiry=text,
            draft="お問い合わせありがとうございます。（合成データ）",
            language="en" if english else "ja",
            citations=[],
            recommendation=Recommendation(
                action="escalate" if escalate else "answer",
                destination=rng.choice(DESTINATIONS) if escalate else None,
                reason="合成データ",
                confidence=round(rng.uniform(0.5, 0.7) if low else rng.uniform(0.7, 0.99), 3),
            ),
            alerts=alerts,
            mode="extractive",
            timings_ms={"total": round(rng.lognormvariate(5.5, 0.5), 1)},
        )
        records.save_draft(draft, rng.choice(CHANNELS), "bench", category)
        at = day_start(month.start) + timedelta(seconds=rng.uniform(0, seconds))
        stamps.append((iso(at), draft.id))
        if rng.random() < feedback_share:
            outcome = rng.choices(["accepted", "edited", "rejected", "escalated"], [60, 25, 8, 7])[0]
            distance = {
                "accepted": 0.0,
                "edited": rng.uniform(0.05, 0.7),
                "rejected": None,
                "escalated": None,
            }
            records.save_feedback(
                FeedbackRecord(
                    draft.id,
                    outcome,
                    "",
                    rng.choice(DESTINATIONS) if outcome == "escalated" else None,
                    distance[outcome],
                    "bench",
                )
            )
            feedback_stamps.append((iso(at + timedelta(minutes=rng.uniform(1, 120))), draft.id))
            given += 1
    with sqlite3.connect(db) as c:
        c.executemany("UPDATE drafts SET created_at = ? WHERE id = ?", stamps)
        c.executemany("UPDATE feedback SET created_at = ? WHERE draft_id = ?", feedback_stamps)
    return given


class TimedEmbedder:
    """The configured embedder, with the time spent embedding added up (the main cost of the proposals)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.texts = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_documents(self, texts: list[str]) -> Matrix:
        t = time.perf_counter()
        try:
            return self.inner.embed_documents(texts)
        finally:
            self.seconds += time.perf_counter() - t
            self.texts += len(texts)

    def embed_query(self, text: str) -> Matrix:
        t = time.perf_counter()
        try:
            return self.inner.embed_query(text)
        finally:
            self.seconds += time.perf_counter() - t
            self.texts += 1


def time_faq(records: SQLiteRecords, workdir: Path) -> dict[str, object]:
    from app.embeddings import build_embedder
    from app.ops.faq_gaps import find_gaps
    from app.ops.faq_output import write_markdown, write_xlsx
    from app.ops.knowledge_profile import KnowledgeProfile
    from app.retrieval import HybridRetriever
    from app.store import KnowledgeStore
    from ingest.pipeline import run_ingest

    settings = Settings(data_dir=workdir / "index", knowledge_dir=ROOT / "knowledge")
    embedder = build_embedder(settings)
    store = KnowledgeStore(settings, embedder)
    t = time.perf_counter()
    report = run_ingest(ROOT / "knowledge" / "faq", settings, store, embedder, None, "bench")
    index_s = time.perf_counter() - t

    timed = TimedEmbedder(embedder)
    t = time.perf_counter()
    month = period_for(PeriodKind.monthly, MONTH)
    window = Window(day_start(month.start), day_start(month.end))
    collection = store.active()
    profile = KnowledgeProfile.from_rows(store.iter_all(collection, include_embeddings=True))
    drafts = records.drafts_between(iso(window.start), iso(window.end))
    feedback = records.feedback_between(iso(window.start), iso(window.end))
    result = find_gaps(
        drafts, feedback, window, timed, HybridRetriever(store, timed), profile,
        min_size=3, today=month.end, generated_at=datetime.now(UTC),
    )  # fmt: skip
    write_markdown(result, workdir / "out")
    write_xlsx(result, workdir / "out")
    return {
        "embedder": embedder.name,
        "index (not counted)": f"knowledge/faq, {len(report.diff.added)} chunks in {index_s:.0f}s",
        "faq_proposals_s": round(time.perf_counter() - t, 2),
        "of_which_embedding_s": round(timed.seconds, 2),
        "texts_embedded": timed.texts,
        "candidates": result.candidates,
        "proposals": len(result.proposals),
        "largest": [p.size for p in result.proposals[:5]],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--feedback-share", type=float, default=0.6)
    parser.add_argument("--no-faq", action="store_true", help="Only the monthly report")
    parser.add_argument("--keep", type=Path, help="Write the database and outputs here (default: a temp dir)")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        db = workdir / "bench.db"
        db.unlink(missing_ok=True)
        records = SQLiteRecords(db)
        t = time.perf_counter()
        feedback = populate(records, db, args.n, args.feedback_share, rng)
        populate_s = time.perf_counter() - t

        t = time.perf_counter()
        period = period_for(PeriodKind.monthly, MONTH)
        drafts, fb = fetch_period(records, period)
        report = build_report(period, drafts, fb, datetime.now(UTC))
        path = write_report_xlsx(report, workdir / "out")
        report_s = time.perf_counter() - t

        summary: dict[str, object] = {
            "drafts": args.n,
            "feedback": feedback,
            "populate_s (not counted)": round(populate_s, 1),
            "monthly_report_s": round(report_s, 2),
            "target_s": 30,
            "within_target": report_s <= 30,
            "report_total": report.overview.total,
            "single_resolution_rate": round(report.overview.single_resolution_rate or 0.0, 4),
            "xlsx_kb": round(path.stat().st_size / 1024, 1),
        }
        if not args.no_faq:
            summary.update(time_faq(records, workdir))
        print(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
