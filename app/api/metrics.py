"""Prometheus metrics: request counts, latency histogram, drafts by decision, escalation rate."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "draftdesk_requests_total", "HTTP requests", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "draftdesk_request_seconds",
            "HTTP request latency",
            ["route"],
            registry=self.registry,
            buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.drafts = Counter(
            "draftdesk_drafts_total",
            "Drafts by recommendation",
            ["action", "destination", "mode"],
            registry=self.registry,
        )
        self.escalation_rate = Gauge(
            "draftdesk_escalation_rate", "Share of drafts recommending escalation", registry=self.registry
        )
        self._total = 0
        self._escalated = 0

    def draft(self, action: str, destination: str | None, mode: str) -> None:
        self.drafts.labels(action, destination or "none", mode).inc()
        self._total += 1
        self._escalated += action == "escalate"
        self.escalation_rate.set(self._escalated / self._total)

    def render(self) -> bytes:
        return bytes(generate_latest(self.registry))
