"""Telemetry and hub access off before any third-party import: the workplace has no internet."""

import os

_OFF = {
    "ANONYMIZED_TELEMETRY": "False",  # chromadb
    "CHROMA_TELEMETRY": "False",
    "RAGAS_DO_NOT_TRACK": "true",  # ragas
    "LANGCHAIN_TRACING_V2": "false",  # langsmith
    "LANGSMITH_TRACING": "false",
    "HF_HUB_OFFLINE": "1",  # never reach the Hugging Face hub
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "DO_NOT_TRACK": "1",
}


def disable_telemetry() -> None:
    """Force the values; a user who wants tracing must change code, not an env var by accident."""
    for key, value in _OFF.items():
        os.environ[key] = value
