"""The unit of retrieval and citation. One chunk per FAQ Q&A and per past inquiry; notes and manuals by section."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from app.schemas import SourceKind

_ALIAS_SUFFIX = re.compile(r"~(?:q|p\d+)$")


def question_alias_id(entry_id: str) -> str:
    return f"{entry_id}~q"


def phrasing_alias_id(entry_id: str, n: int) -> str:
    return f"{entry_id}~p{n}"


def entry_id_of(chunk_id: str) -> str:
    """The FAQ entry an alias vector belongs to (the inverse of the two ids above); other ids are returned as is."""
    return _ALIAS_SUFFIX.sub("", chunk_id)


@dataclass
class Chunk:
    id: str
    kind: SourceKind
    source_id: str  # the FAQ / note / manual / past-inquiry id that gold labels and citations refer to
    title: str
    body: str  # what a draft may quote
    source: str  # path relative to the knowledge root, with #page for manuals
    category: str = ""
    release: str = ""
    updated: str = ""
    url: str = ""
    page: int = 0
    language: str = "ja"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """What is embedded and indexed: title and body together; a question alias is the question alone
        (paraphrased inquiries meet a bare question better than question + answer), a phrasing alias the
        citizen's wording a knowledge manager recorded for the entry."""
        alias = self.extra.get("alias")
        if alias == "question":
            return self.title
        if alias == "phrasing":
            return self.extra.get("phrasing", self.title)
        return f"{self.title}\n{self.body}"

    @property
    def content_hash(self) -> str:
        payload = "\x1f".join(
            [
                self.kind,
                self.title,
                self.body,
                self.category,
                self.url,
                str(self.page),
                self.language,
                *sorted(f"{k}={v}" for k, v in self.extra.items()),
            ]
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]

    def to_metadata(self) -> dict[str, str | int]:
        meta: dict[str, str | int] = {
            k: v for k, v in asdict(self).items() if k not in {"id", "extra"} and isinstance(v, str | int)
        }
        meta["content_hash"] = self.content_hash
        for k, v in self.extra.items():
            meta[f"x_{k}"] = v
        return meta

    @classmethod
    def from_metadata(cls, chunk_id: str, meta: dict[str, Any]) -> Chunk:
        extra = {k[2:]: str(v) for k, v in meta.items() if k.startswith("x_")}
        return cls(
            id=chunk_id,
            kind=meta["kind"],
            source_id=str(meta.get("source_id", chunk_id)),
            title=str(meta.get("title", "")),
            body=str(meta.get("body", "")),
            source=str(meta.get("source", "")),
            category=str(meta.get("category", "")),
            release=str(meta.get("release", "")),
            updated=str(meta.get("updated", "")),
            url=str(meta.get("url", "")),
            page=int(meta.get("page", 0) or 0),
            language=str(meta.get("language", "ja")),
            extra=extra,
        )
