"""Each evaluation metric on hand-computed cases."""

from __future__ import annotations

import pytest

from eval import metrics as m
from eval.harness import check_floors


def test_retrieval_metrics() -> None:
    assert m.hit_at_k(["a", "b", "c"], ["b"], 1) == 0.0
    assert m.hit_at_k(["a", "b", "c"], ["b"], 2) == 1.0
    assert m.reciprocal_rank(["a", "b", "c"], ["c"]) == pytest.approx(1 / 3)
    assert m.reciprocal_rank(["a"], ["z"]) == 0.0


def test_key_fact_coverage_uses_alternatives_and_nfkc() -> None:
    draft = "お住まいの市区町村の窓口で再設定してください。暗証番号は４桁です。"
    assert m.key_fact_coverage(draft, ["市区町村|市役所", "4桁"]) == 1.0
    assert m.key_fact_coverage(draft, ["市区町村", "コンビニ"]) == 0.5
    assert m.key_fact_coverage(draft, []) == 1.0


def test_character_level_text_metrics() -> None:
    ref = "市区町村の窓口で暗証番号を再設定してください。"
    assert m.chrf(ref, ref) == pytest.approx(1.0)
    assert m.char_bleu(ref, ref) == pytest.approx(1.0)
    assert 0.0 < m.chrf("市区町村の窓口へ行ってください。", ref) < 1.0
    assert m.chrf("", ref) == 0.0
    assert m.char_bleu("まったく違う文", ref) < 0.2


def test_decision_scores_and_confusion() -> None:
    expected = ["answer", "answer", "ops_vendor", "agency", "ministry"]
    predicted = ["answer", "ask_agency", "ops_vendor", "answer", "agency"]
    s = m.decision_scores(expected, predicted)
    assert s.accuracy == pytest.approx(3 / 5)
    assert s.escalation_recall == pytest.approx(2 / 3)
    assert s.escalation_precision == pytest.approx(2 / 3)
    assert s.destination_accuracy == pytest.approx(1 / 3)
    matrix = m.confusion(expected, predicted)
    assert matrix["agency"]["answer"] == 1 and matrix["ministry"]["agency"] == 1


def test_calibration() -> None:
    curve = m.reliability([0.9, 0.9, 0.1, 0.1], [True, False, False, False], bins=5)
    assert curve[0] == (pytest.approx(0.1), 0.0, 2)
    assert curve[-1] == (pytest.approx(0.9), 0.5, 2)
    assert m.expected_calibration_error([0.9, 0.9], [True, True]) == pytest.approx(0.1)


def test_citation_precision_and_leaks() -> None:
    assert m.citation_precision(["faq-1", "faq-2"], ["faq-1"]) == 0.5
    assert m.citation_precision([], ["faq-1"]) == 1.0
    assert m.leaked_values("ご連絡先 090-1234-5678 宛に", ["090-1234-5678", "山田"]) == ["090-1234-5678"]


def test_percentile() -> None:
    assert m.percentile([1, 2, 3, 4, 100], 0.5) == 3
    assert m.percentile([1, 2, 3, 4, 100], 0.95) == 100


def test_floors() -> None:
    metrics = {"single_resolution": 0.5, "pii_leaks": 0.0}
    assert check_floors(metrics, ["single_resolution=0.4", "pii_leaks<=0"]) == []
    assert check_floors(metrics, ["single_resolution=0.9"]) == ["single_resolution = 0.5000 < 0.9"]
    assert check_floors(metrics, ["nope=1"]) == ["unknown metric 'nope'"]


def test_compare_runs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from eval.compare import compare

    def run(name: str, correct: bool, kf: float) -> None:
        d = tmp_path / name
        d.mkdir()
        row = {
            "id": "ev-1",
            "correct": correct,
            "predicted": "answer",
            "expected": "answer",
            "problems": [],
            "scores": {"decision_correct": 1.0, "key_facts": kf, "hit_at_1": 1.0, "hit_at_5": 1.0},
        }
        (d / "results.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
        (d / "metrics.json").write_text(json.dumps({"key_fact_coverage": kf}), encoding="utf-8")

    run("a", False, 0.5)
    run("b", True, 1.0)
    text = compare(tmp_path / "a", tmp_path / "b")
    assert "## Improved (1)" in text and "## Regressed (0)" in text and "+0.500" in text


def test_feedback_metrics_from_records(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.schemas import Draft, Recommendation
    from app.storage import FeedbackRecord, SQLiteRecords
    from eval.harness import feedback_metrics

    assert feedback_metrics(tmp_path / "none.db") == {}
    records = SQLiteRecords(tmp_path / "r.db")
    d = Draft(
        id="d_1",
        masked_inquiry="q",
        draft="a",
        language="ja",
        citations=[],
        mode="extractive",
        recommendation=Recommendation(action="answer", reason="r", confidence=0.9),
    )
    records.save_draft(d, "web_form", "t")
    for outcome, dist in (("accepted", 0.0), ("edited", 0.2), ("edited", 0.4), ("rejected", None)):
        records.save_feedback(FeedbackRecord("d_1", outcome, "", None, dist, "t"))
    m = feedback_metrics(tmp_path / "r.db")
    assert (
        m["feedback_count"] == 4 and m["feedback_acceptance_rate"] == 0.25 and m["feedback_edit_rate"] == 0.5
    )
    assert abs(m["feedback_mean_edit_distance"] - 0.3) < 1e-9


def test_all_split_is_dev_then_heldout_with_unique_ids() -> None:
    from eval.dataset import load_split

    dev, heldout, both = load_split("dev"), load_split("heldout"), load_split("all")
    assert [c.id for c in both] == [c.id for c in dev] + [c.id for c in heldout]
    assert len({c.id for c in both}) == len(both) >= 300
