"""Threads released together against real PostgreSQL, for the race tests."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

THREAD_JOIN_TIMEOUT = 60.0


def require_postgres() -> None:
    """Skip loudly without PostgreSQL; under CI a missing database is a failure, never a skip."""
    if not settings.POSTGRES_AVAILABLE:
        if settings.CI:
            pytest.fail(f"CI=true but PostgreSQL is not reachable at {settings.TEST_DATABASE_URL}")
        pytest.skip("SKIPPED LOUDLY: PostgreSQL is not reachable; the race tests need it (CI never skips)")
    assert connection.vendor == "postgresql"


def race(n: int, target: Callable[[int], Any]) -> list[tuple[str, Any]]:
    """Run target(i) in n threads released together by a barrier. Each thread has its own database
    connection (Django's are per thread) and closes it. Returns ("ok", value) or ("error", exception)."""
    barrier = threading.Barrier(n, timeout=30)
    results: list[tuple[str, Any]] = [("missing", None)] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = ("ok", target(i))
        except BaseException as exc:  # every outcome is recorded and checked by the caller
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,), name=f"racer-{i}", daemon=True) for i in range(n)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + THREAD_JOIN_TIMEOUT
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"{len(stuck)} threads did not finish within {THREAD_JOIN_TIMEOUT:.0f}s (deadlock?): {stuck}"
    return results


def outcomes(results: list[tuple[str, Any]]) -> Counter:
    return Counter("ok" if kind == "ok" else type(value).__name__ for kind, value in results)
