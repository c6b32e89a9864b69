# draftdesk service image (CPU). Everything the image needs comes from PyPI and Debian; no model is
# downloaded at run time (the embedding and NER models ship inside their PyPI packages).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ANONYMIZED_TELEMETRY=False RAGAS_DO_NOT_TRACK=true HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 \
    DRAFTDESK_DATA_DIR=/var/lib/draftdesk

RUN apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY app ./app
COPY ingest ./ingest
COPY eval ./eval
# CPU build of torch first, so no CUDA wheel is pulled: point TORCH_INDEX at your site's mirror of the
# CPU wheels (build with --build-arg TORCH_INDEX=...); the pin matches pyproject.toml.
ARG TORCH_INDEX=""
RUN pip install --no-cache-dir ${TORCH_INDEX:+--index-url "$TORCH_INDEX"} "torch==2.13.0" \
 && pip install --no-cache-dir .
COPY prompts ./prompts
COPY knowledge ./knowledge

RUN useradd --system --home /var/lib/draftdesk draftdesk && mkdir -p /var/lib/draftdesk && chown draftdesk /var/lib/draftdesk
USER draftdesk
EXPOSE 8000
# Index the bundled knowledge at start (incremental: a no-op when unchanged), then serve.
CMD ["sh", "-c", "draftdesk ingest knowledge && exec draftdesk serve --host 0.0.0.0 --port 8000"]
