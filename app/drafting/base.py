"""What every drafter receives and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from app.chunks import Chunk
from app.schemas import Recommendation


@dataclass(frozen=True)
class Source:
    """A retrieved chunk offered to the drafter, numbered as the [n] marker that cites it."""

    number: int
    chunk: Chunk
    score: float


@dataclass
class DraftContext:
    masked_inquiry: str
    language: str
    topics: list[list[Source]]  # the best sources per question asked, best first
    sources: list[Source]  # every source offered, numbered 1..n
    recommendation: Recommendation
    supplements: list[Source] = field(default_factory=list)  # redirect notes to add after the answer


@dataclass
class DraftOutput:
    text: str
    mode: str
    cited: list[int] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    recommendation: Recommendation | None = None  # an LLM may revise the rule-based recommendation


class Drafter(Protocol):
    mode: str

    def draft(self, ctx: DraftContext) -> DraftOutput: ...
