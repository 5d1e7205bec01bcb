"""Time: the GDAP expiry sweep (beat, gdap.tasks.time_sweep). Each step walks its candidates once in
primary-key order and handles each relationship in a transaction of its own under
select_for_update(skip_locked=True), re-checking the step's condition on the locked row. So two workers
(or two overlapping runs) share the work instead of waiting, a row another one holds is left to it
(or to the next run), and a run can be repeated at any time: a row that was handled no longer matches.
The mails are written in the same transaction with outbox dedupe keys (gdap.notifications), the last
line against a second copy.

The steps, in this order in every run:
1. terminations stuck in terminationRequested / terminating (their task was lost) are completed;
2. approvalPending relationships whose newest approval link ran out (settings.GDAP_APPROVAL_DAYS, 90)
   expire, the link too when links.tasks.links_expire has not marked it yet (either order works);
3. live relationships at their end expire, or, auto-extending ones, are extended by 180 days;
4. active relationships ending within EXPIRING_DAYS become `expiring` (Graph does not document the
   threshold: 30 days, the first reminder), and the most urgent end reminder due is mailed once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from gdap import notifications, rules
from gdap.events import GdapEvents
from gdap.models import (
    AUTO_EXTEND_DURATION,
    LIVE,
    AdminRelationship,
    AdminRelationshipRequest,
    GdapApproval,
    RelationshipStatus,
    RequestAction,
    RequestStatus,
)
from gdap.services.approval import termination_complete
from gdap.services.relationships import relationship_transition
from links.models import LinkStatus
from links.services import link_expire

logger = logging.getLogger(__name__)

EXPIRING_DAYS = 30
REMINDER_DAYS = (1, 7, 30)  # most urgent first
TERMINATION_GRACE = timedelta(minutes=5)  # the termination task normally completes within seconds
BATCH = 500


def time_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """One run of every step; returns how many relationships each step changed."""
    now = now or timezone.now()
    return {
        "terminated": terminations_complete(now=now),
        "requests_expired": pending_expire(now=now),
        "expired": ends_handle(now=now, extend=False),
        "extended": ends_handle(now=now, extend=True),
        "approaching": approaching_handle(now=now),
    }


def _walk(candidates: QuerySet, handle: Callable[[Any], bool]) -> int:
    """Call handle(pk) for every candidate, in pages by primary key (so a row skipped because another
    worker holds it is not met again in this run); count the Trues. One failing row is logged and left
    for the next run instead of stopping the sweep."""
    done, last = 0, None
    while True:
        page = candidates.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        ids = list(page.values_list("pk", flat=True)[:BATCH])
        for pk in ids:
            try:
                done += bool(handle(pk))
            except Exception:
                logger.exception("GDAP sweep: relationship %s left for the next run", pk)
        if len(ids) < BATCH:
            return done
        last = ids[-1]


def _locked(pk: Any, condition: Q) -> AdminRelationship | None:
    """The relationship under FOR UPDATE if it still matches `condition`; None if another holds it."""
    return (AdminRelationship.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("partner", "customer").filter(condition, pk=pk).first())


# --- 1. Terminations whose task was lost ---------------------------------------------------------


def terminations_complete(*, now: datetime) -> int:
    stuck = Q(status__in=(RelationshipStatus.TERMINATION_REQUESTED, RelationshipStatus.TERMINATING),
              last_modified_at__lte=now - TERMINATION_GRACE)

    def handle(pk: Any) -> bool:
        requests = AdminRelationshipRequest.objects.filter(relationship_id=pk, action=RequestAction.TERMINATE,
                                                           status=RequestStatus.PENDING)
        results = [termination_complete(request_id=str(request_id))
                   for request_id in requests.values_list("pk", flat=True)]
        if not results:
            logger.warning("GDAP relationship %s is terminating without a pending terminate request", pk)
        return "succeeded" in results

    return _walk(AdminRelationship.objects.filter(stuck), handle)


# --- 2. Approval requests that ran out -------------------------------------------------------------


def _pending_expired(now: datetime) -> Q:
    """approvalPending, no approval link still valid, one that ran out (a revoked-only relationship
    waits for the partner's re-issue), and no approve request in flight (a click before the link ran
    out still counts: approval_process decides it, and a refused one expires in the next run)."""
    links = GdapApproval.objects.filter(relationship=OuterRef("pk"))
    return (Q(status=RelationshipStatus.APPROVAL_PENDING)
            & ~Q(Exists(links.filter(status=LinkStatus.PENDING, expires_at__gt=now)))
            & Q(Exists(links.filter(status__in=(LinkStatus.PENDING, LinkStatus.EXPIRED), expires_at__lte=now)))
            & ~Q(Exists(AdminRelationshipRequest.objects.filter(
                relationship=OuterRef("pk"), action=RequestAction.APPROVE, status=RequestStatus.PENDING))))


def pending_expire(*, now: datetime) -> int:
    condition = _pending_expired(now)

    def handle(pk: Any) -> bool:
        with transaction.atomic():
            # Lock order everywhere: approval link → relationship (gdap.services.common).
            links = list(GdapApproval.objects.select_for_update(skip_locked=True, of=("self",))
                         .select_related("partner").filter(relationship_id=pk, status=LinkStatus.PENDING))
            if len(links) != GdapApproval.objects.filter(relationship_id=pk, status=LinkStatus.PENDING).count():
                return False  # someone is answering or re-issuing it right now
            rel = _locked(pk, condition)
            if rel is None:
                return False
            for link in links:  # links_expire did not get to it yet
                link_expire(link)
            relationship_transition(rel, to=RelationshipStatus.EXPIRED, kind=GdapEvents.EXPIRED)
            return True

    return _walk(AdminRelationship.objects.filter(condition), handle)


# --- 3. The end: expire, or extend by 180 days ------------------------------------------------------


def _extends(rel: AdminRelationship) -> bool:
    return rel.auto_extend_duration == AUTO_EXTEND_DURATION and not rules.includes_global_administrator(
        list(rel.roles.all()))


def ends_handle(*, now: datetime, extend: bool) -> int:
    """Live relationships whose end has come: `extend` picks the auto-extending ones (extended by as
    many 180-day steps as it takes to end in the future — one step unless the sweep stood still for
    half a year; one activity entry), else the others (expired). Global Administrator among the roles
    stops an auto-extension (the rules refuse that combination; a row that has it anyway expires)."""
    due = Q(status__in=LIVE, end_at__lte=now)
    due &= Q(auto_extend_duration=AUTO_EXTEND_DURATION) if extend else ~Q(auto_extend_duration=AUTO_EXTEND_DURATION)

    def handle(pk: Any) -> bool:
        with transaction.atomic():
            rel = _locked(pk, due)
            if rel is None:
                return False
            if extend and _extends(rel):
                steps = (now - rel.end_at) // AUTO_EXTEND_DURATION + 1
                relationship_transition(rel, to=RelationshipStatus.ACTIVE, kind=GdapEvents.EXTENDED,
                                        extend_by=steps * AUTO_EXTEND_DURATION)
                return True
            relationship_transition(rel, to=RelationshipStatus.EXPIRED, kind=GdapEvents.EXPIRED)
            return not extend

    return _walk(AdminRelationship.objects.filter(due), handle)


# --- 4. Approaching the end: `expiring`, and the reminders -----------------------------------------


def reminder_due(end_at: datetime, now: datetime) -> int | None:
    """The most urgent reminder due at `now` (1, 7 or 30 days before the end), None when none is.
    A run that comes late sends only this one: a relationship found 5 days before its end gets the
    7-day reminder, not the 30-day one as well."""
    for days in REMINDER_DAYS:
        if now < end_at <= now + timedelta(days=days):
            return days
    return None


def _reminder_pending(now: datetime) -> Q:
    """SQL for "the most urgent reminder due now was not sent for this end date"."""
    unarmed = Q(reminder_end_at__isnull=True) | ~Q(reminder_end_at=F("end_at"))
    return ((Q(end_at__lte=now + timedelta(days=1)) & (unarmed | Q(reminder_days__gt=1)))
            | (Q(end_at__lte=now + timedelta(days=7)) & (unarmed | Q(reminder_days__gt=7)))
            | (Q(end_at__lte=now + timedelta(days=30)) & unarmed))


def approaching_handle(*, now: datetime) -> int:
    window = Q(status__in=LIVE, auto_extend_duration=timedelta(0), end_at__gt=now,
               end_at__lte=now + timedelta(days=EXPIRING_DAYS))
    condition = window & (Q(status=RelationshipStatus.ACTIVE) | _reminder_pending(now))

    def handle(pk: Any) -> bool:
        with transaction.atomic():
            rel = _locked(pk, condition)
            if rel is None:
                return False
            if rel.status == RelationshipStatus.ACTIVE:
                relationship_transition(rel, to=RelationshipStatus.EXPIRING, kind=GdapEvents.EXPIRING)
            days = reminder_due(rel.end_at, now)
            if days is not None and (rel.reminder_end_at != rel.end_at or (rel.reminder_days or 99) > days):
                notifications.reminders_send(rel, days=days, now=now)
                AdminRelationship.objects.filter(pk=rel.pk).update(reminder_days=days, reminder_end_at=rel.end_at)
            return True

    return _walk(AdminRelationship.objects.filter(condition), handle)

