"""Failure alerts: several inquiries within a short window landing on the same error — the same error code,
the same quoted error-screen wording, or near-identical failure descriptions — suggest a system failure.
Ordinary repeated how-to questions (ten people asking how to reset a PIN) never count: only inquiries that
describe something going wrong are considered.

The detector is a pure, in-memory sliding window (one per process); the webhook is posted once per alert
from a background thread, with retries, never blocking a draft."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from app.error_codes import quoted_codes
from app.textnorm import nfkc

log = logging.getLogger("draftdesk.alerts")
_SCREEN_MESSAGE = re.compile(r"[「『\"]([^「」『』\"]{6,60})[」』\"]")
FAILURE_WORDS = re.compile(
    r"エラー|error|表示され|真っ白|白い画面|落ち|固ま|動かな|進まな|進めな|つながらな|繋がらな|接続でき|読み込|"
    r"ログインでき|開かな|反映されな|失敗|障害|不具合|おかしい|できなくな",
    re.IGNORECASE,
)


@dataclass
class FailureAlert:
    id: str
    key: str  # e.g. code:EZ7731, msg:…, sim:…
    kind: str  # error_code | screen_message | similar_reports
    first_seen: float
    last_seen: float
    draft_ids: list[str]
    inquiries: list[str]  # masked
    webhook_state: str = "pending"  # pending | sent | failed | off

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id, "key": self.key, "kind": self.kind, "count": len(self.draft_ids),
            "first_seen": datetime.fromtimestamp(self.first_seen, UTC).isoformat(timespec="seconds"),
            "last_seen": datetime.fromtimestamp(self.last_seen, UTC).isoformat(timespec="seconds"),
            "draft_ids": self.draft_ids, "inquiries": self.inquiries[-10:], "webhook": self.webhook_state,
        }  # fmt: skip

    def message(self) -> str:
        return (
            f"障害の疑い: 同じ事象（{self.key}）の問合せが {len(self.draft_ids)} 件あります。"
            "運用保守事業者へエスカレーションしてください。"
        )


# Strong failure symptoms that people describe in many words but that how-to questions rarely have.
SYMPTOMS = {
    "blank_screen": re.compile(r"真っ白|まっしろ|白い画面|白紙の画面|画面が白"),
    "unreachable": re.compile(
        r"つながらな|繋がらな|アクセスでき(な|ませ)|サイトが開かな|ページが開かな|サーバー?(が|に)"
    ),
    "endless_loading": re.compile(r"読み込み(中)?(のまま|が終わらな)|くるくる|ぐるぐる|ずっと読み込"),
}
_ON_SCREEN = re.compile(r"表示|出て|出ま|出る|出た|画面|になる|になり|のまま|から進")
_ERROR_VOCABULARY = re.compile(
    r"エラー|できません|失敗|混み合|しばらく|時間をおいて|問題が発生|異常|継続でき|ご利用いただけ"
)


def signatures(masked_text: str) -> list[tuple[str, str]]:
    """(kind, key) pairs that identify 'the same error' in an inquiry describing a failure. A quoted message
    counts when it is shown on a screen or reads like an error message (「ただいま処理が混み合っております」)."""
    text = nfkc(masked_text)
    quoted = [
        m
        for m in _SCREEN_MESSAGE.finditer(text)
        if _ON_SCREEN.search(text) or _ERROR_VOCABULARY.search(m.group(1))
    ]
    codes = quoted_codes(text)
    if not FAILURE_WORDS.search(text) and not codes and not quoted:
        return []
    out = [("error_code", f"code:{c.upper()}") for c in codes]
    out += [("symptom", f"symptom:{name}") for name, pattern in SYMPTOMS.items() if pattern.search(text)]
    for m in quoted:
        words = re.sub(r"\s+", "", m.group(1))
        if not re.search(r"<[A-Z_]+_\d+>", words):
            out.append(("screen_message", f"msg:{words}"))
    return out


@dataclass
class _Seen:
    at: float
    draft_id: str
    text: str
    keys: list[tuple[str, str]]
    vector: np.ndarray | None = None


@dataclass
class FailureDetector:
    threshold: int = 3
    window_s: float = 1800.0
    similarity: float = 0.93
    _recent: deque[_Seen] = field(default_factory=deque)
    alerts: dict[str, FailureAlert] = field(default_factory=dict)  # key -> alert (open)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def observe(
        self, at: float, draft_id: str, masked_text: str, vector: np.ndarray | None = None
    ) -> FailureAlert | None:
        """Record one inquiry; return the open alert it belongs to (new or existing), if any."""
        keys = signatures(masked_text)
        failure_like = bool(keys) or bool(FAILURE_WORDS.search(nfkc(masked_text)))
        with self._lock:
            while self._recent and at - self._recent[0].at > self.window_s:
                self._recent.popleft()
            for key, alert in list(self.alerts.items()):
                if at - alert.last_seen > self.window_s:
                    del self.alerts[key]  # quiet for a whole window: closed
            if not failure_like:
                return None
            seen = _Seen(at, draft_id, masked_text, keys, vector)
            self._recent.append(seen)
            for kind, key in keys:
                matches = [s for s in self._recent if (kind, key) in s.keys]
                if key in self.alerts or len(matches) >= self.threshold:
                    return self._touch(key, kind, matches, seen)
            if vector is not None:
                close = [
                    s
                    for s in self._recent
                    if s.vector is not None and float(np.dot(s.vector, vector)) >= self.similarity
                ]
                if len(close) >= self.threshold:
                    key = "sim:" + close[0].draft_id
                    existing = next(
                        (
                            k
                            for k in self.alerts
                            if k.startswith("sim:")
                            and any(d in self.alerts[k].draft_ids for d in (c.draft_id for c in close))
                        ),
                        None,
                    )
                    return self._touch(existing or key, "similar_reports", close, seen)
        return None

    def _touch(self, key: str, kind: str, matches: list[_Seen], seen: _Seen) -> FailureAlert:
        alert = self.alerts.get(key)
        if alert is None:
            alert = FailureAlert(
                f"a_{uuid.uuid4().hex[:10]}",
                key,
                kind,
                matches[0].at,
                seen.at,
                [m.draft_id for m in matches],
                [m.text for m in matches],
            )
            self.alerts[key] = alert
            alert.webhook_state = "new"
        elif seen.draft_id not in alert.draft_ids:
            alert.draft_ids.append(seen.draft_id)
            alert.inquiries.append(seen.text)
            alert.last_seen = seen.at
        return alert

    def open_alerts(self) -> list[FailureAlert]:
        with self._lock:
            return sorted(self.alerts.values(), key=lambda a: -a.last_seen)


Poster = Callable[[str, dict[str, Any]], int]


def _http_post(url: str, payload: dict[str, Any]) -> int:
    import httpx

    return httpx.post(
        url,
        content=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        timeout=5,
    ).status_code


def send_webhook(
    alert: FailureAlert, url: str | None, retries: int = 3, backoff_s: float = 1.0, post: Poster = _http_post
) -> threading.Thread | None:
    """Slack-compatible payload, posted once per alert in the background, retried on failure."""
    if not url:
        alert.webhook_state = "off"
        return None
    payload = {
        "text": f"[draftdesk] {alert.message()}",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": alert.message()}}],
        "alert": alert.describe(),
    }

    def run() -> None:
        for attempt in range(retries + 1):
            try:
                if 200 <= post(url, payload) < 300:
                    alert.webhook_state = "sent"
                    return
            except Exception as exc:  # network errors are retried, never raised into drafting
                log.warning("alert webhook attempt %d failed: %s", attempt + 1, type(exc).__name__)
            time.sleep(backoff_s * (2**attempt))
        alert.webhook_state = "failed"

    alert.webhook_state = "pending"
    thread = threading.Thread(target=run, daemon=True, name=f"webhook-{alert.id}")
    thread.start()
    return thread
