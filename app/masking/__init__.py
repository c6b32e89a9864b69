"""PII masking: one interface (`Masker.mask`) and two engines, chosen by DRAFTDESK_MASK_ENGINE."""

from __future__ import annotations

from functools import lru_cache

from app.masking.base import Masker, MaskingError, MaskResult
from app.masking.fast import FastMasker

__all__ = ["FastMasker", "MaskResult", "Masker", "MaskingError", "build_masker", "scrub_structured"]


def scrub_structured(text: str) -> str:
    """Second pass over generated text (drafts, exports): structured identifiers only. Names are not
    re-detected here: knowledge text is full of words a name pattern would take (Google Play …)."""
    from app.masking.base import apply_findings
    from app.masking.patterns import find_structured
    from app.textnorm import normalize_with_map

    norm = normalize_with_map(text)
    findings = [f for f in find_structured(norm.text) if f.entity not in {"PIN", "DATE_OF_BIRTH"}]
    return apply_findings(text, norm, findings).text if findings else text


@lru_cache(maxsize=2)
def build_masker(engine: str = "presidio") -> Masker:
    """Engines are heavy to load (GiNZA ~8 s): one per process."""
    if engine == "fast":
        return FastMasker()
    if engine == "presidio":
        from app.masking.presidio_engine import PresidioMasker

        return PresidioMasker()
    raise MaskingError(f"unknown mask engine {engine!r} (expected 'presidio' or 'fast')")
