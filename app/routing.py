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
    # escalation rules only: later answer rules that decide instead when they match the same inquiry (a broad
    # escalation topic, such as living abroad, around a question whose FAQ steps do not depend on it). The answer
    # rule keeps its own exceptions, so they are not copied into this rule's `unless`.
    steps_aside_for: tuple[str, ...] = ()

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
    steps_aside_for = raw.get("steps_aside_for", [])
    if not isinstance(steps_aside_for, list) or not all(isinstance(y, str) for y in steps_aside_for):
        raise RoutingRuleError(f"{where} field 'steps_aside_for': needs a list of rule ids")
    if steps_aside_for and action != "escalate":
        raise RoutingRuleError(f"{where} field 'steps_aside_for': only an escalation rule steps aside")
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
        tuple(steps_aside_for),
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
    """Every id an answer rule yields to is an escalation rule of the same file, and every id an escalation rule
    steps aside for is an answer rule later in the file (an earlier one already decides when it matches): a typo or
    a misplaced rule would silently do nothing."""
    escalations = {r.id for r in rules if r.action == "escalate"}
    for i, rule in enumerate(rules, start=1):
        unknown = [y for y in rule.yields_to if y not in escalations]
        if unknown:
            raise RoutingRuleError(
                f"{where} rule {i} ({rule.id}) field 'yields_to': {', '.join(unknown)} is not an escalation rule"
            )
        later_answers = {r.id for r in rules[i:] if r.action == "answer"}
        misplaced = [a for a in rule.steps_aside_for if a not in later_answers]
        if misplaced:
            raise RoutingRuleError(
                f"{where} rule {i} ({rule.id}) field 'steps_aside_for': {', '.join(misplaced)} is not an answer "
                "rule later in the file"
            )


def without_stepped_aside(matched: list[RoutingRule]) -> list[RoutingRule]:
    """The matches without each leading escalation rule that steps aside for a later matched answer rule: the rest
    decide as if it had not matched, and its destination no longer counts as a second opinion."""
    standing = matched
    while standing and standing[0].action == "escalate":
        head, rest = standing[0], standing[1:]
        if not any(r.action == "answer" and r.id in head.steps_aside_for for r in rest):
            break
        standing = rest
    return standing


def deciding_rule(matched: list[RoutingRule]) -> RoutingRule:
    """The first standing match (`without_stepped_aside`), unless it is an answer rule that yields to a later
    matched escalation rule (an escalation rule between a stepped-aside one and its answer still outranks it)."""
    standing = without_stepped_aside(matched)
    first = standing[0]
    if first.action == "answer":
        for later in standing[1:]:
            if later.action == "escalate" and later.id in first.yields_to:
                return later
    return first


def match_rules(rules: list[RoutingRule], text: str) -> list[RoutingRule]:
    norm = nfkc(text)
    return [r for r in rules if r.matches(norm)]
