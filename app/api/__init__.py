"""The FastAPI service: /v1 API, OpenAPI docs at /docs, and the operator page at /."""
