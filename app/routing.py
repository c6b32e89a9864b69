"""Topic routing rules, kept as data in knowledge/routing/rules.yaml (knowledge managers edit them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from app.schemas import Action, Destination
from app.textnorm import nfkc

DESTINATIONS = {"agency", "ops_vendor", "ministry", "ask_agency"}
# `destination: owner` — the rule knows the knowledge is silent but not whose topic it is: the recommender asks
# the route classifier for the owner (the Agency or another ministry; never the vendor).
OWNER = "owner"
# `<<name>>` in a pattern stands for the file's fragment `name` (top-level `fragments:`): one phrasing, written once.
FRAGMENT_REF = re.compile(r"<<([A-Za-z_][A-Za-z0-9_]*)>>")


class RoutingRuleError(ValueError):
    pass


@dataclass(frozen=True)
class RoutingRule:
    id: str
    action: Action
    destination: Destination | Literal["owner"] | None
    reason: str
    patterns: tuple[re.Pattern[str], ...]
    note_id: str = ""
    # answer rules only: escalation rules that outrank this one when both match (another question in the inquiry
    # that this topic's answer does not cover)
    yields_to: tuple[str, ...] = ()
    # the rule does not match an inquiry any of these match (staff who say they ask for themselves are not a
    # business inquiry): one exception for all the patterns, written once
    unless: tuple[re.Pattern[str], ...] = ()

    def matches(self, normalized_text: str) -> bool:
        return any(p.search(normalized_text) for p in self.patterns) and not any(
            u.search(normalized_text) for u in self.unless
        )


def expand_fragments(pattern: str, fragments: dict[str, str], where: str) -> str:
    """Replace each <<name>> by its fragment as a non-capturing group; an unknown name is an error."""

    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in fragments:
            raise RoutingRuleError(f"{where} field 'patterns': unknown fragment <<{name}>>")
        return f"(?:{fragments[name]})"

    return FRAGMENT_REF.sub(one, pattern)


def _fragments(raw: Any, where: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise RoutingRuleError(f"{where} field 'fragments': needs name: pattern pairs")
    out: dict[str, str] = {}
    for name, pattern in raw.items():
        if FRAGMENT_REF.search(pattern):
            raise RoutingRuleError(f"{where} fragment {name!r}: fragments cannot refer to fragments")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise RoutingRuleError(f"{where} fragment {name!r}: {exc}") from exc
        out[str(name)] = pattern
    return out


def _rule(raw: dict[str, Any], where: str, fragments: dict[str, str] | None = None) -> RoutingRule:
    for key in ("id", "action", "reason", "patterns"):
        if key not in raw:
            raise RoutingRuleError(f"{where}: field {key!r} is missing")
    action = raw["action"]
    destination = raw.get("destination")
    if action not in ("answer", "escalate"):
        raise RoutingRuleError(f"{where} field 'action': {action!r} is not answer/escalate")
    if action == "escalate" and destination not in DESTINATIONS | {OWNER}:
        raise RoutingRuleError(
            f"{where} field 'destination': {destination!r} is not one of {sorted(DESTINATIONS | {OWNER})}"
        )
    patterns = _compiled(raw["patterns"], fragments, where, "patterns")
    unless = _compiled(raw.get("unless", []), fragments, where, "unless")
    yields_to = raw.get("yields_to", [])
    if not isinstance(yields_to, list) or not all(isinstance(y, str) for y in yields_to):
        raise RoutingRuleError(f"{where} field 'yields_to': needs a list of rule ids")
    if yields_to and action != "answer":
        raise RoutingRuleError(f"{where} field 'yields_to': only an answer rule yields")
    if destination == OWNER and raw.get("note_id"):
        # the draft cites the escalation note of the destination the classifier picks; a fixed note would cite
        # the Agency's for a ministry's topic
        raise RoutingRuleError(
            f"{where} field 'note_id': an owner rule cites its destination's note, not its own"
        )
    return RoutingRule(
        str(raw["id"]),
        action,
        destination if action == "escalate" else None,
        str(raw["reason"]),
        patterns,
        str(raw.get("note_id", "")),
        tuple(yields_to),
        unless,
    )


def _compiled(
    raw: Any, fragments: dict[str, str] | None, where: str, field: str
) -> tuple[re.Pattern[str], ...]:
    if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
        raise RoutingRuleError(f"{where} field {field!r}: needs a list of patterns")
    try:
        return tuple(
            re.compile(nfkc(expand_fragments(p, fragments or {}, where)), re.IGNORECASE) for p in raw
        )
    except re.error as exc:
        raise RoutingRuleError(f"{where} field {field!r}: {exc}") from exc


def load_rules(path: Path) -> list[RoutingRule]:
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    raw_rules = data.get("rules", []) if isinstance(data, dict) else []
    fragments = _fragments(data.get("fragments") if isinstance(data, dict) else None, str(path))
    rules = [_rule(r, f"{path} rule {i + 1}", fragments) for i, r in enumerate(raw_rules)]
    _check_yields(rules, str(path))
    return rules


def _check_yields(rules: list[RoutingRule], where: str) -> None:
    """Every id an answer rule yields to is an escalation rule of the same file (a typo would silently do nothing)."""
    escalations = {r.id for r in rules if r.action == "escalate"}
    for i, rule in enumerate(rules, start=1):
        unknown = [y for y in rule.yields_to if y not in escalations]
        if unknown:
            raise RoutingRuleError(
                f"{where} rule {i} ({rule.id}) field 'yields_to': {', '.join(unknown)} is not an escalation rule"
            )


def deciding_rule(matched: list[RoutingRule]) -> RoutingRule:
    """The first matched rule, unless it is an answer rule that yields to a later matched escalation rule."""
    first = matched[0]
    for later in matched[1:]:
        if later.action == "escalate" and later.id in first.yields_to:
            return later
    return first


def match_rules(rules: list[RoutingRule], text: str) -> list[RoutingRule]:
    norm = nfkc(text)
    return [r for r in rules if r.matches(norm)]
