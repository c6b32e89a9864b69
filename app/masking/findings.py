"""A finding is one detected PII span on the normalised text; engines produce them, the masker merges them."""

from __future__ import annotations

from dataclasses import dataclass

ENTITY_TYPES = (
    "PERSON",
    "LOCATION",
    "POSTAL_CODE",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "MY_NUMBER",
    "CORPORATE_NUMBER",
    "DATE_OF_BIRTH",
    "BANK_ACCOUNT",
    "PENSION_NUMBER",
    "HEALTH_INSURANCE",
    "PASSPORT",
    "DRIVERS_LICENSE",
    "CREDIT_CARD",
    "PIN",
)

# When two findings overlap, the higher priority wins; ties go to the longer span.
PRIORITY = {
    "EMAIL_ADDRESS": 90,
    "CREDIT_CARD": 85,
    "CORPORATE_NUMBER": 82,
    "MY_NUMBER": 80,
    "DRIVERS_LICENSE": 79,
    "PENSION_NUMBER": 78,
    "HEALTH_INSURANCE": 77,
    "BANK_ACCOUNT": 76,
    "PASSPORT": 75,
    "PHONE_NUMBER": 70,
    "POSTAL_CODE": 65,
    "DATE_OF_BIRTH": 60,
    "PIN": 55,
    "LOCATION": 50,
    "PERSON": 40,
}


@dataclass(frozen=True)
class Finding:
    entity: str
    start: int
    end: int
    score: float = 0.9

    @property
    def length(self) -> int:
        return self.end - self.start


def resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    """Keep a non-overlapping set: higher priority first, then longer, then earlier."""
    ranked = sorted(findings, key=lambda f: (-PRIORITY.get(f.entity, 0), -f.length, f.start))
    kept: list[Finding] = []
    for f in ranked:
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)
