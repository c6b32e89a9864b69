"""API keys with roles. Keys are stored hashed (sha256 hex → role) in DRAFTDESK_API_KEYS; with no keys
configured the service is open to localhost use only (`make run`), acting as role `local`."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from dataclasses import dataclass

from fastapi import HTTPException, Request

ROLES = ("operator", "knowledge_manager", "qa")


@dataclass(frozen=True)
class Principal:
    actor: str  # never the key itself: a short hash prefix, safe for logs and audit
    role: str

    def allowed(self, *roles: str) -> bool:
        return self.role == "local" or self.role in roles


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class RateLimiter:
    """Per-actor sliding window of one minute."""

    def __init__(self, per_minute: int) -> None:
        self._limit = per_minute
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, actor: str) -> bool:
        now = time.monotonic()
        with self._lock:
            window = self._hits.setdefault(actor, deque())
            while window and now - window[0] > 60:
                window.popleft()
            if len(window) >= self._limit:
                return False
            window.append(now)
            return True


def authenticate(request: Request, keys: dict[str, str]) -> Principal:
    if not keys:
        return Principal("local", "local")
    key = (
        request.headers.get("X-API-Key")
        or request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    )
    if not key:
        raise HTTPException(status_code=401, detail="API key required: send it in the X-API-Key header")
    digest = hash_key(key)
    role = keys.get(digest)
    if role is None:
        raise HTTPException(status_code=401, detail="unknown API key")
    return Principal(f"key:{digest[:8]}", role)


def require(principal: Principal, *roles: str) -> None:
    if not principal.allowed(*roles):
        raise HTTPException(
            status_code=403,
            detail=f"role {principal.role!r} may not do this (needs one of: {', '.join(roles)})",
        )
