"""Prompts and phrase files live in prompts/ as versioned files, never as strings in code."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml


class PromptError(FileNotFoundError):
    pass


@lru_cache(maxsize=16)
def load_text(prompts_dir: Path, name: str) -> str:
    path = prompts_dir / name
    if not path.exists():
        raise PromptError(f"prompt file not found: {path}")
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=8)
def load_phrases(prompts_dir: Path, name: str = "extractive.v1.yaml") -> dict[str, Any]:
    data = yaml.safe_load(load_text(prompts_dir, name))
    if not isinstance(data, dict) or "ja" not in data or "en" not in data:
        raise PromptError(f"{prompts_dir / name}: needs 'ja' and 'en' sections")
    return data
