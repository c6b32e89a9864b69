"""Topic routing rules, kept as data in knowledge/routing/rules.yaml (knowledge managers edit them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from app.schemas import Action, Destination
from app.textnorm import nfkc

DESTINATIONS = {"agency", "ops_vendor", "ministry", "ask_agency"}


class RoutingRuleError(ValueError):
    pass


@dataclass(frozen=True)
class RoutingRule:
    id: str
    action: Action
    destination: Destination | None
    reason: str
    patterns: tuple[re.Pattern[str], ...]
    note_id: str = ""

    def matches(self, normalized_text: str) -> bool:
        return any(p.search(normalized_text) for p in self.patterns)


def _rule(raw: dict[str, Any], where: str) -> RoutingRule:
    for key in ("id", "action", "reason", "patterns"):
        if key not in raw:
            raise RoutingRuleError(f"{where}: field {key!r} is missing")
    action = raw["action"]
    destination = raw.get("destination")
    if action not in ("answer", "escalate"):
        raise RoutingRuleError(f"{where} field 'action': {action!r} is not answer/escalate")
    if action == "escalate" and destination not in DESTINATIONS:
        raise RoutingRuleError(
            f"{where} field 'destination': {destination!r} is not one of {sorted(DESTINATIONS)}"
        )
    try:
        patterns = tuple(re.compile(nfkc(p), re.IGNORECASE) for p in raw["patterns"])
    except re.error as exc:
        raise RoutingRuleError(f"{where} field 'patterns': {exc}") from exc
    return RoutingRule(
        str(raw["id"]),
        action,
        destination if action == "escalate" else None,
        str(raw["reason"]),
        patterns,
        str(raw.get("note_id", "")),
    )


def load_rules(path: Path) -> list[RoutingRule]:
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    raw_rules = data.get("rules", []) if isinstance(data, dict) else []
    return [_rule(r, f"{path} rule {i + 1}") for i, r in enumerate(raw_rules)]


def match_rules(rules: list[RoutingRule], text: str) -> list[RoutingRule]:
    norm = nfkc(text)
    return [r for r in rules if r.matches(norm)]
