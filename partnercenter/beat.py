"""An in-process beat for the embedded demo (`make demo`: CELERY_TASK_ALWAYS_EAGER, no broker, no beat
process): a daemon thread that runs the CELERY_BEAT_SCHEDULE tasks on their schedule, in this process.
Without it, whatever only a sweep picks up would never happen in the demo — paced mails with a future
send_after (bulk invitations), link expiry, resumed jobs. Started by `manage.py demo` only when eager;
a real deployment runs `celery beat` (docker-compose.yml)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)


def _seconds(schedule: Any) -> float:
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    if isinstance(schedule, int | float):
        return float(schedule)
    run_every = getattr(schedule, "run_every", None)  # celery.schedules.schedule
    if isinstance(run_every, timedelta):
        return run_every.total_seconds()
    raise ValueError(f"the in-process beat runs interval schedules only, not {schedule!r}")


class Beat:
    """The schedule's entries and when each is due next; `tick(now)` runs the due ones (each once, then
    due again an interval later). A task that raises is logged and tried again at its next turn."""

    def __init__(self, schedule: dict[str, dict[str, Any]] | None = None, *, now: float = 0.0,
                 run: Callable[[str], Any] | None = None) -> None:
        entries = settings.CELERY_BEAT_SCHEDULE if schedule is None else schedule
        self.entries = {name: (entry["task"], _seconds(entry["schedule"])) for name, entry in entries.items()}
        self.next_at = dict.fromkeys(self.entries, now)  # like celery beat: every entry runs once at start
        self.run = run or _run_task

    def tick(self, now: float) -> list[str]:
        ran = []
        for name, (task, interval) in self.entries.items():
            if now < self.next_at[name]:
                continue
            self.next_at[name] = now + interval
            try:
                self.run(task)
            except Exception:
                logger.exception("in-process beat: %s (%s) raised; tried again in %ss", name, task, interval)
            ran.append(name)
        return ran

    def wait(self, now: float) -> float:
        return max(0.0, min(self.next_at.values(), default=now + 60) - now)


def _run_task(name: str) -> Any:
    from partnercenter.celery import app

    app.loader.import_default_modules()
    return app.tasks[name].apply(throw=True)


def start_in_process_beat(*, clock: Callable[[], float] = time.monotonic) -> threading.Thread | None:
    """Start the beat thread when tasks run eagerly (the embedded demo); None otherwise."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    beat = Beat(now=clock())

    def loop() -> None:
        from django.db import close_old_connections

        while True:
            beat.tick(clock())
            close_old_connections()
            time.sleep(min(beat.wait(clock()), 5.0) or 0.5)

    thread = threading.Thread(target=loop, name="pc-in-process-beat", daemon=True)
    thread.start()
    logger.info("in-process beat started: %s", ", ".join(beat.entries))
    return thread
