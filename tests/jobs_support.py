"""A tiny job kind for the tests of the background-job engine (jobs/), never registered by app code.

"tests.echo" works on keys like "c17": it writes one OutboxEmail row per item (bulk_create, never
sent: send_after far ahead) — the side effect that proves an item ran exactly once, across processes
too — and marks the item done with a result link. Keys steer it:
  skip…  → skipped ("exists", with the item's label)   fail… → failed ("refused")
  boom…  → the handler raises (RuntimeError)           crash… → a SimulatedCrash (BaseException) escapes,
                                                               like a killed worker: the chunk rolls back
Params: {"sleep": seconds per chunk} slows it down (the kill/restart test), {"crash_once": key} raises
SimulatedCrash the first time that key is in a chunk of this process.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.registry import JobKind, register
from partnercenter.models import OutboxEmail
from partnercenter.roles import Perm

SIDE_EFFECT_KIND = "tests_job_echo"
SEEN: list[str] = []  # keys handled in this process (the handler appends, thread-safe enough with a lock)
_LOCK = threading.Lock()
_CRASHED: set[str] = set()


class SimulatedCrash(BaseException):  # noqa: N818
    """Not an Exception: the engine does not catch it, the chunk's transaction rolls back."""


def echo_chunk(job, items) -> None:  # noqa: ANN001
    crash_once = job.params.get("crash_once")
    if crash_once and crash_once not in _CRASHED and any(item.key == crash_once for item in items):
        _CRASHED.add(crash_once)
        raise SimulatedCrash(crash_once)
    if job.params.get("sleep"):
        time.sleep(float(job.params["sleep"]))
    rows = []
    later = timezone.now() + timedelta(days=3650)
    for item in items:
        if item.key.startswith("crash"):
            raise SimulatedCrash(item.key)
        if item.key.startswith("boom"):
            raise RuntimeError(f"handler bug on {item.key}")
        if item.key.startswith("skip"):
            item.mark_skipped("exists", {"name": item.label})
            continue
        if item.key.startswith("fail"):
            item.mark_failed("refused", {"name": item.label})
            continue
        rows.append(OutboxEmail(kind=SIDE_EFFECT_KIND, to_email=f"{item.key}@example.com", language="en",
                                subject=f"job {job.id}", body=item.key, send_after=later, tenant_id=job.tenant_id))
        item.mark_done(result={"link": f"https://example.test/approve/{item.key}"})
    OutboxEmail.objects.bulk_create(rows)
    with _LOCK:
        SEEN.extend(item.key for item in items if item.status == "done")


ECHO = register(JobKind(
    name="tests.echo",
    label=_("Test echo job"),
    perm=Perm.CUSTOMERS_VIEW,
    handler=echo_chunk,
    chunk_size=3,
    result_columns=[(_("Approval link"), "link")],
    reason_texts={"exists": _("%(name)s already has one."), "refused": _("%(name)s refused.")},
))

# The same handler behind a permission that a Helpdesk agent lacks (the kind's perm → 404 tests).
RESTRICTED = register(JobKind(
    name="tests.restricted", label=_("Test restricted job"), perm=Perm.RELATIONSHIP_REMOVE, handler=echo_chunk,
))


def side_effects(job) -> list[str]:  # noqa: ANN001
    """The keys the handler wrote a row for, one entry per row (a key twice: processed twice)."""
    return sorted(OutboxEmail.objects.filter(kind=SIDE_EFFECT_KIND, subject=f"job {job.id}")
                  .values_list("body", flat=True))


def reset() -> None:
    with _LOCK:
        SEEN.clear()
    _CRASHED.clear()


def _slow_bulk_invitations() -> None:
    """In a worker started with PC_TEST_BULK_SLEEP (tests/test_bulk_invitations_celery.py): the bulk
    invitation kind with small chunks that sleep, so a test can kill the worker in the middle of a job."""
    import dataclasses
    import os

    seconds = float(os.environ.get("PC_TEST_BULK_SLEEP") or 0)
    if not seconds:
        return
    from invitations.jobs import BULK_INVITE

    def slow_chunk(job, items) -> None:  # noqa: ANN001
        time.sleep(seconds)
        BULK_INVITE.handler(job, items)

    register(dataclasses.replace(BULK_INVITE, handler=slow_chunk, chunk_size=5))


_slow_bulk_invitations()
