"""Drafters: one interface, two modes (extractive default, offline and deterministic; llm via any
OpenAI-compatible endpoint, falling back to extractive on failure)."""

from app.drafting.base import DraftContext, Drafter, DraftOutput, Source

__all__ = ["DraftContext", "DraftOutput", "Drafter", "Source"]
