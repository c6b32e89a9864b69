"""The escalate-or-answer recommendation, from routing rules (data), unknown error codes and retrieval evidence.

Never invent an answer the knowledge does not cover: weak evidence is an escalation (ask the Agency where the
destination is unclear). Redirects the knowledge covers (年金記録 → 年金事務所 …) are answers. The internal
note that documents the route is returned with the decision, so the draft can cite it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from app.retrieval import Hit, IndexSnapshot
from app.routing import RoutingRule, match_rules
from app.schemas import Recommendation
from app.textnorm import nfkc

ERROR_CODE = re.compile(r"(?<![A-Za-z0-9])([A-Z]{1,4}[-_]?\d{3,5}(?:-\d{3,5})?)(?![A-Za-z0-9])")
_NOT_CODES = re.compile(
    r"^(?:iOS|OS|PIN|NFC|ID|PC|SMS|QR|IC|USB|No|ver|v|SH|SO|SC|SHV|KYV|A|F|P)\d", re.IGNORECASE
)
NOTE_OPS = "int-escalation-ops-vendor"
NOTE_ASK = "int-escalation-ask-agency"


@dataclass(frozen=True)
class Evidence:
    dense: float
    lexical: float
    agreement: bool
    margin: float

    def strength(self) -> float:
        """A 0..1 evidence score: logistic over the retrieval signals (fit on the dev split)."""
        z = (
            14.0 * (self.dense - 0.83)
            + 0.04 * min(self.lexical, 60.0)
            + 0.6 * self.agreement
            + 4.0 * self.margin
        )
        return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class Decision:
    recommendation: Recommendation
    note_id: str | None = None  # the internal note that documents this route, cited in the draft
    rule_id: str | None = None


def evidence_of(hits: list[Hit]) -> Evidence:
    if not hits:
        return Evidence(0.0, 0.0, False, 0.0)
    top = hits[0]
    second = hits[1].dense if len(hits) > 1 else 0.0
    agreement = (
        "dense" in top.ranks
        and "lexical" in top.ranks
        and top.ranks["dense"] <= 2
        and top.ranks["lexical"] <= 2
    )
    return Evidence(top.dense, top.lexical, agreement, max(0.0, top.dense - second))


def unknown_error_codes(text: str, snapshot: IndexSnapshot) -> list[str]:
    codes = [
        c for c in ERROR_CODE.findall(nfkc(text)) if not _NOT_CODES.match(c) and any(ch.isdigit() for ch in c)
    ]
    if not codes:
        return []
    corpus = snapshot.corpus_text()
    return [c for c in codes if c.upper() not in corpus]


def recommend(
    masked_inquiry: str,
    hits: list[Hit],
    rules: list[RoutingRule],
    snapshot: IndexSnapshot,
    min_answer_score: float,
) -> Decision:
    """Rules are tried in file order (most specific first); the first that matches decides the route."""
    matched = match_rules(rules, masked_inquiry)
    strength = evidence_of(hits).strength()
    if matched:
        rule = matched[0]
        if rule.action == "escalate":
            others = {r.destination for r in matched if r.action == "escalate"}
            confidence = 0.9 if len(others) == 1 else 0.7
            return Decision(
                Recommendation(
                    action="escalate", destination=rule.destination, reason=rule.reason, confidence=confidence
                ),
                rule.note_id or None,
                rule.id,
            )
        return Decision(
            Recommendation(
                action="answer", destination=None, reason=rule.reason, confidence=round(max(0.8, strength), 3)
            ),
            rule.note_id or None,
            rule.id,
        )
    codes = unknown_error_codes(masked_inquiry, snapshot)
    if codes:
        reason = (
            f"エラーコード {', '.join(codes[:3])} はナレッジにありません。"
            "システム事象の可能性があるため運用保守事業者へ確認してください"
        )
        return Decision(
            Recommendation(action="escalate", destination="ops_vendor", reason=reason, confidence=0.8),
            NOTE_OPS,
        )
    if not hits or strength < min_answer_score:
        reason = "ナレッジに該当する回答が見つかりません。回答を作らず、対応先をデジタル庁に確認してください"
        return Decision(
            Recommendation(
                action="escalate",
                destination="ask_agency",
                reason=reason,
                confidence=round(1.0 - strength, 3),
            ),
            NOTE_ASK,
        )
    top = hits[0].chunk
    return Decision(
        Recommendation(
            action="answer",
            destination=None,
            reason=f"ナレッジ「{top.title[:40]}」で回答できます",
            confidence=round(strength, 3),
        )
    )
