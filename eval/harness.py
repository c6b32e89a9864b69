"""`draftdesk eval`: draft every case of a split, score it, write a report directory and a history row."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.alerts import FailureDetector
from app.embeddings import Embedder
from app.schemas import DraftRequest
from app.service import DraftService, DraftTrace
from app.settings import Settings
from eval import llm_judge
from eval import metrics as m
from eval.dataset import DatasetError, EvalCase, load_split
from eval.llm_judge import JudgeCase, JudgeOptions, JudgeResult

HISTORY = Path(__file__).resolve().parent / "history.jsonl"
TARGETS = {"year1": 0.90, "year2": 0.95}
# Dev cases are also the route classifier's labelled inquiries: each is scored by a classifier refit without its
# batch (five fits of a few seconds each), so dev figures stay out-of-sample for the classifier.
CROSSFIT_FOLDS = 5


@dataclass
class CaseResult:
    case: EvalCase
    draft: dict[str, Any]
    retrieved: list[str]
    expected: str
    predicted: str
    scores: dict[str, float]
    leaks: list[str]
    latency_ms: float
    invalid_citations: int
    problems: list[str] = field(default_factory=list)
    judge: JudgeResult | None = None  # LLM-judged ragas scores (eval/llm_judge.py), when they ran

    @property
    def correct(self) -> bool:
        return self.scores["decision_correct"] == 1.0 and self.scores["key_facts"] >= 0.999 and not self.leaks

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.case.id, "split_case": self.case.model_dump(), "draft": self.draft, "retrieved": self.retrieved,
            "expected": self.expected, "predicted": self.predicted, "scores": self.scores, "leaks": self.leaks,
            "latency_ms": self.latency_ms, "problems": self.problems, "correct": self.correct,
            **({"judge": self.judge.to_json()} if self.judge else {}),
        }  # fmt: skip


@dataclass
class EvalSummary:
    split: str
    mode: str
    metrics: dict[str, float]
    results: list[CaseResult]
    report_dir: Path
    extras: dict[str, Any] = field(default_factory=dict)

    def headline(self) -> str:
        mm = self.metrics
        return (
            f"{self.split} ({len(self.results)} cases, {self.mode}): single-resolution {mm['single_resolution']:.3f} "
            f"(targets 0.90 / 0.95), decision accuracy {mm['decision_accuracy']:.3f}, escalation recall "
            f"{mm['escalation_recall']:.3f}, hit@1 {mm['hit_at_1']:.3f}, hit@5 {mm['hit_at_5']:.3f}, key facts "
            f"{mm['key_fact_coverage']:.3f}, invalid citations {int(mm['invalid_citations'])}, leaks {int(mm['pii_leaks'])}, "
            f"p95 {mm['latency_p95_ms']:.0f} ms{_judge_headline(mm)}\nreport: {self.report_dir}"
        )


def _judge_headline(mm: dict[str, float]) -> str:
    if "llm_judge_cases" not in mm:
        return ""
    parts = [f"{k.removeprefix('ragas_')} {mm[k]:.3f}" for k in llm_judge.METRICS if k in mm]
    return (f"\nLLM judge ({int(mm['llm_judge_cases'])} cases, {int(mm['llm_judge_errors'])} errors): "
            + (", ".join(parts) or "no score"))  # fmt: skip


def score_case(
    case: EvalCase,
    draft: dict[str, Any],
    retrieved: list[str],
    latency_ms: float,
    invalid: int,
    masked_values: list[str],
) -> CaseResult:
    rec = draft["recommendation"]
    expected = m.label(case.expected_action, case.expected_destination)
    predicted = m.label(rec["action"], rec["destination"])
    cited_sources = [c["id"].split("#")[0] for c in draft["citations"]]
    kf = m.key_fact_coverage(draft["draft"], case.key_facts)
    decision_ok = (expected == "answer") == (predicted == "answer") and (
        expected == "answer" or expected == predicted
    )
    leaks = m.leaked_values(draft["draft"] + draft["masked_inquiry"], masked_values)
    scores = {
        "hit_at_1": m.hit_at_k(retrieved, case.gold_ids, 1),
        "hit_at_5": m.hit_at_k(retrieved, case.gold_ids, 5),
        "mrr_at_10": m.reciprocal_rank(retrieved, case.gold_ids, 10),
        "decision_correct": 1.0 if decision_ok else 0.0,
        "key_facts": kf,
        "chrf": m.chrf(draft["draft"], case.reference_answer) if case.reference_answer else 0.0,
        "char_bleu": m.char_bleu(draft["draft"], case.reference_answer) if case.reference_answer else 0.0,
        "citation_precision": m.citation_precision(cited_sources, case.gold_ids),
        "confidence": float(rec["confidence"]),
    }
    problems = []
    if not decision_ok:
        problems.append(f"wrong decision: expected {expected}, got {predicted}")
    if kf < 1.0:
        missing = [f for f in case.key_facts if m.key_fact_coverage(draft["draft"], [f]) < 1.0]
        problems.append(f"missed fact(s): {', '.join(missing)}")
    if invalid:
        problems.append(f"{invalid} invalid citation(s)")
    if leaks:
        problems.append("PII leak")
    if case.gold_ids and scores["hit_at_5"] == 0:
        problems.append(f"gold {case.gold_ids} not retrieved in top 5")
    return CaseResult(
        case, draft, retrieved, expected, predicted, scores, leaks, latency_ms, invalid, problems
    )


def aggregate(results: list[CaseResult]) -> dict[str, float]:
    n = len(results) or 1
    expected = [r.expected for r in results]
    predicted = [r.predicted for r in results]
    dec = m.decision_scores(expected, predicted)
    with_gold = [r for r in results if r.case.gold_ids]
    answered = [r for r in results if r.predicted == "answer"]
    latencies = [r.latency_ms for r in results]
    confidences = [r.scores["confidence"] for r in results]
    correct_dec = [r.scores["decision_correct"] == 1.0 for r in results]
    cites = sum(len(r.draft["citations"]) for r in results)
    invalid = sum(r.invalid_citations for r in results)

    def mean(key: str, rows: list[CaseResult]) -> float:
        return sum(r.scores[key] for r in rows) / len(rows) if rows else 0.0

    return {
        "cases": float(len(results)),
        "hit_at_1": mean("hit_at_1", with_gold),
        "hit_at_5": mean("hit_at_5", with_gold),
        "mrr_at_10": mean("mrr_at_10", with_gold),
        "decision_accuracy": dec.accuracy,
        "escalation_precision": dec.escalation_precision,
        "escalation_recall": dec.escalation_recall,
        "destination_accuracy": dec.destination_accuracy,
        "calibration_ece": m.expected_calibration_error(confidences, correct_dec),
        "key_fact_coverage": mean("key_facts", results),
        "chrf": mean("chrf", results),
        "char_bleu": mean("char_bleu", results),
        "citation_precision": mean("citation_precision", results),
        "invalid_citations": float(invalid),
        "invalid_citation_rate": invalid / (cites + invalid) if cites + invalid else 0.0,
        "pii_leaks": float(sum(len(r.leaks) for r in results)),
        "single_resolution": sum(1 for r in answered if r.correct and r.expected == "answer") / n,
        "answerable_resolved": (sum(1 for r in answered if r.correct and r.expected == "answer")
                                / max(1, sum(1 for r in results if r.expected == "answer"))),
        "escalation_rate": sum(1 for r in results if r.predicted != "answer") / n,
        "correct_overall": sum(1 for r in results if r.correct) / n,
        "latency_p50_ms": m.percentile(latencies, 0.5),
        "latency_p95_ms": m.percentile(latencies, 0.95),
    }  # fmt: skip


def _git_commit() -> str:
    try:
        return (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout.strip()
            or "unknown"
        )
    except OSError:
        return "unknown"


def run_eval(
    service: DraftService,
    split: str = "heldout",
    mode: str = "extractive",
    out_dir: Path = Path("eval/reports"),
    limit: int = 0,
    progress: bool = False,
    history: Path = HISTORY,
    write: bool = True,
    judge: bool | None = None,
    judge_options: JudgeOptions | None = None,
) -> EvalSummary:
    """`judge`: LLM-judged ragas metrics; None = in llm mode. Never without a configured LLM endpoint."""
    all_cases = load_split(split)
    service.warm_up()
    judge_state = judge_mode(service.settings.llm_configured(), mode, judge)
    judge_opts = judge_options or JudgeOptions()
    to_judge: list[JudgeCase] = []
    # Cases are independent inquiries: the failure detector (which links inquiries over time) stays out.
    live_detector, service.detector = service.detector, FailureDetector(threshold=10**9)
    # Folds are planned on the whole split, so with --limit a batch's unscored siblings stay out of training too.
    learned = [service.learned_from(c.inquiry) for c in all_cases]
    check_unseen(split, learned)
    plan = scoring_plan([c.id for c in all_cases], learned)
    cases = all_cases[:limit] if limit else all_cases
    results_at: dict[int, CaseResult] = {}
    progress_bar: Any = None
    if progress:
        from tqdm import tqdm

        progress_bar = tqdm(total=len(cases), desc=f"eval {split}", unit="case")
    crossfit = 0  # folds scored by a refit classifier
    for fold in plan:
        scored = [i for i in fold.indices if i < len(cases)]
        if not scored:
            continue
        crossfit += fold.held_out
        context = (
            service.held_out([all_cases[i].inquiry for i in fold.indices]) if fold.held_out else nullcontext()
        )
        with context:
            for i in scored:
                case = all_cases[i]
                results_at[i], trace = _score_one(service, case, mode)
                if judge_state == "on" and (not judge_opts.limit or len(to_judge) < judge_opts.limit):
                    chunks = service.retriever.snapshot().by_id
                    to_judge.append(
                        llm_judge.case_from_trace(
                            case.id, trace, chunks, case.reference_answer, judge_opts.max_contexts
                        )
                    )
                if progress_bar is not None:
                    progress_bar.update(1)
    if progress_bar is not None:
        progress_bar.close()
    results = [results_at[i] for i in range(len(cases))]
    service.detector = live_detector
    metrics = aggregate(results)
    metrics.update(_ragas_id_metrics(results))
    metrics.update(feedback_metrics(service.settings.resolved_database_path()))
    if judge_state == "on":
        metrics.update(apply_judge(results, to_judge, service.settings, service.embedder, judge_opts))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report_dir = out_dir / f"{stamp}-{split}-{mode}"
    summary = EvalSummary(
        split,
        mode,
        metrics,
        results,
        report_dir,
        extras={"llm_judge": judge_state, "crossfit_folds": crossfit},
    )
    if write:
        from eval.report import write_report

        row = {
            "at": datetime.now(UTC).isoformat(timespec="seconds"), "commit": _git_commit(), "split": split,
            "mode": mode, "release": service.store.active_release(), "report": str(report_dir),
            "settings": {k: v for k, v in service.settings.public_view().items()
                         if k in ("embedding_backend", "mask_engine", "draft_mode", "retrieval_top_k", "rrf_k",
                                  "min_answer_score", "llm_model")},
            "metrics": metrics,
        }  # fmt: skip
        write_report(summary, history_rows=_read_history(history))
        history.parent.mkdir(parents=True, exist_ok=True)
        with history.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return summary


def _score_one(service: DraftService, case: EvalCase, mode: str) -> tuple[CaseResult, DraftTrace]:
    t = time.perf_counter()
    trace = service.trace(DraftRequest(inquiry=case.inquiry, channel=case.channel), mode=mode)
    latency = (time.perf_counter() - t) * 1000
    masked_values = list(trace.mask.mapping.values()) if trace.mask else []
    result = score_case(
        case,
        trace.draft.model_dump(mode="json"),
        trace.retrieved_source_ids,
        latency,
        trace.invalid_citations,
        masked_values,
    )
    return result, trace


def check_unseen(split: str, learned: Sequence[bool]) -> None:
    """Heldout is the measure: refuse to score it when the route classifier learned from any of its cases."""
    if split == "heldout" and any(learned):
        raise DatasetError(
            f"{sum(learned)} heldout case(s) are among the labelled inquiries the route classifier learned from "
            "(DRAFTDESK_LABELLED_INQUIRIES): heldout must stay unseen"
        )


@dataclass(frozen=True)
class Fold:
    indices: list[int]  # positions in the split
    held_out: bool  # scored by a classifier refit without these cases


def scoring_plan(ids: Sequence[str], learned: Sequence[bool], folds: int = CROSSFIT_FOLDS) -> list[Fold]:
    """Cases the route classifier learned from are scored cross-fitted: grouped by batch (the id without its
    number, so near-siblings written together stay together) into `folds` folds; each fold is scored by a
    classifier refit without it. Other cases are scored by the service as it is."""
    batches = sorted({_batch(i) for i, seen in zip(ids, learned, strict=True) if seen})
    fold_of = {b: n % folds for n, b in enumerate(batches)}
    plan = [Fold([], True) for _ in range(min(folds, len(batches)))]
    unseen = Fold([], False)
    for pos, (case_id, seen) in enumerate(zip(ids, learned, strict=True)):
        (plan[fold_of[_batch(case_id)]] if seen else unseen).indices.append(pos)
    return [f for f in [*plan, unseen] if f.indices]


def _batch(case_id: str) -> str:
    return case_id.rsplit("-", 1)[0]


def judge_mode(endpoint: bool, mode: str, judge: bool | None) -> str:
    """'on', 'off' or 'no_endpoint'. Judging costs LLM calls: by default only when drafting used the LLM too."""
    if not endpoint:
        return "no_endpoint"
    return "on" if (mode == "llm" if judge is None else judge) else "off"


def apply_judge(
    results: list[CaseResult],
    to_judge: list[JudgeCase],
    settings: Settings,
    embedder: Embedder,
    options: JudgeOptions,
) -> dict[str, float]:
    """Judge the collected cases, attach each case's scores to its result, return the aggregate metrics."""
    judged = llm_judge.judge(to_judge, settings, embedder, options)
    by_id = {j.id: j for j in judged}
    for r in results:
        r.judge = by_id.get(r.case.id)
    return llm_judge.summarize(judged)


def feedback_metrics(db: Path) -> dict[str, float]:
    """What operators did with real drafts (the service's records): acceptance and how much they edited."""
    if not db.exists():
        return {}
    from app.storage import SQLiteRecords

    rows = SQLiteRecords(db).feedback_between("0000", "9999")
    if not rows:
        return {}
    n = len(rows)
    edited = [r["edit_distance"] for r in rows if r["outcome"] == "edited" and r["edit_distance"] is not None]
    return {
        "feedback_count": float(n),
        "feedback_acceptance_rate": sum(r["outcome"] == "accepted" for r in rows) / n,
        "feedback_edit_rate": sum(r["outcome"] == "edited" for r in rows) / n,
        "feedback_rejection_rate": sum(r["outcome"] == "rejected" for r in rows) / n,
        "feedback_mean_edit_distance": sum(edited) / len(edited) if edited else 0.0,
    }


def _ragas_id_metrics(results: list[CaseResult]) -> dict[str, float]:
    """ragas' ID-based context precision/recall over the top-5 retrieved source ids."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ragas import SingleTurnSample
        from ragas.metrics import IDBasedContextPrecision, IDBasedContextRecall

        precision, recall = IDBasedContextPrecision(), IDBasedContextRecall()
        rows = [r for r in results if r.case.gold_ids]
        if not rows:
            return {}
        p = r_ = 0.0
        for r in rows:
            sample = SingleTurnSample(
                retrieved_context_ids=r.retrieved[:5], reference_context_ids=r.case.gold_ids
            )
            p += float(precision.single_turn_score(sample))
            r_ += float(recall.single_turn_score(sample))
    return {"ragas_id_context_precision": p / len(rows), "ragas_id_context_recall": r_ / len(rows)}


def _read_history(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def check_floors(metrics: dict[str, float], floors: list[str]) -> list[str]:
    """'metric=value' floors (or 'metric<=value' ceilings); returns the failures."""
    failed = []
    for spec in floors:
        if "<=" in spec:
            name, value = spec.split("<=", 1)
            if metrics.get(name.strip(), float("inf")) > float(value):
                failed.append(f"{name.strip()} = {metrics.get(name.strip())} > {value}")
        else:
            name, _, value = spec.partition("=")
            if name.strip() not in metrics:
                failed.append(f"unknown metric {name.strip()!r}")
            elif metrics[name.strip()] < float(value):
                failed.append(f"{name.strip()} = {metrics[name.strip()]:.4f} < {value}")
    return failed
