"""Per-version values: built once, rebuilt in the background on a new version, previous kept on failure."""

from __future__ import annotations

import threading
import time

from app.reloading import Reloading


def _wait(predicate, seconds: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_first_build_is_synchronous_and_a_new_version_swaps_in_later() -> None:
    release = threading.Event()
    built: list[str] = []

    def build(source: str) -> str:
        if built:  # every rebuild waits, so the caller provably gets the previous value meanwhile
            release.wait(5)
        built.append(source)
        return f"value-{source}"

    values: Reloading[str, str] = Reloading(build, "test value")
    assert values.get("v1", "v1") == "value-v1"
    assert values.get("v1", "v1") == "value-v1" and built == ["v1"]
    assert values.get("v2", "v2") == "value-v1"  # rebuilding in the background
    assert values.get("v2", "v2") == "value-v1" and built == ["v1"]  # one rebuild, not two
    release.set()
    assert _wait(lambda: values.get("v2", "v2") == "value-v2")
    assert built == ["v1", "v2"]


def test_a_failed_rebuild_keeps_the_previous_value_and_is_retried() -> None:
    fail = [True]

    def build(source: int) -> int:
        if source == 2 and fail[0]:
            raise RuntimeError("broken version")
        return source * 10

    values: Reloading[int, int] = Reloading(build, "test value")
    assert values.get(1, 1) == 10
    assert values.get(2, 2) == 10
    assert _wait(lambda: not values._building)
    assert values.current() == 10
    fail[0] = False
    values.get(2, 2)
    assert _wait(lambda: values.get(2, 2) == 20)
