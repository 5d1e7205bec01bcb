"""Applying a queued acceptance of a relationship request (the work of its own task or of a drain task), the
drain, the sweep, and the partner's notification mails (each recipient in their own language)."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Service
from customers.services import dap_grant, reseller_association_ensure, reseller_relationship_ensure
from invitations.events import RequestEvents
from invitations.models import Acceptance, AcceptanceStatus, DapChoice, RelationshipRequest, RequestStatus
from invitations.services.checks import acceptance_blockers
from links.services import link_answer
from partnercenter.dispatch import coalescing, update_unflushed, wake, wake_taken
from partnercenter.errors import Code, Conflict, DomainError
from partnercenter.events import event_record_many
from partnercenter.models import Tenant, User
from partnercenter.roles import Role
from partnercenter.selectors import tenant_users_in_roles
from partnercenter.services import outbox_email_create

logger = logging.getLogger(__name__)


def notify_partner(*, request: RelationshipRequest | Any, customer: Tenant, template: str) -> None:
    """Mail the partner's Global admins and whoever created the request (or advisor offer, offers.models),
    each in their language."""
    recipients: dict[str, User] = {
        u.email.lower(): u for u in tenant_users_in_roles(tenant=request.partner, roles=[Role.GLOBAL_ADMIN])
    }
    if getattr(request, "provider_id", None):
        for user in tenant_users_in_roles(tenant=request.provider, roles=[Role.GLOBAL_ADMIN]):
            recipients.setdefault(user.email.lower(), user)
    if request.created_by is not None:
        recipients.setdefault(request.created_by.email.lower(), request.created_by)
    for user in recipients.values():
        outbox_email_create(
            to_email=user.email,
            template=template,
            language=user.language or settings.LANGUAGE_CODE,
            tenant=request.partner,
            context={
                "partner": request.partner,
                "customer": customer,
                "request": request,
                "customers_url": f"{settings.SITE_URL}/customers/",
            },
        )


# Slot n is set while acceptance drain n is queued and not yet started (partnercenter.dispatch.wake_drain).
WAKE_KEY = "acceptances:drain-queued:{}"


def acceptance_queue_on_commit(acceptance_id: object) -> None:
    """After commit, have this acceptance processed: by waking a drain task (coalesced through the shared
    cache: a burst of clicks costs a few tasks, not one each), or by a task of its own when tasks run eagerly
    or without a shared cache. Never raises: a dead broker or cache leaves the row to the sweep."""
    transaction.on_commit(lambda: acceptance_wake([acceptance_id]))


def acceptance_wake(acceptance_ids: list[object] | None = None) -> None:
    from invitations.tasks import acceptance_drain_task, acceptance_process_task

    wake(key=WAKE_KEY, slots=settings.ACCEPTANCE_DRAINS, timeout=settings.ACCEPTANCE_WAKE_SECONDS,
         drain_task=acceptance_drain_task, row_task=acceptance_process_task,
         row_ids=[str(i) for i in acceptance_ids or ()], what="acceptance processing")


def acceptances_drain(*, slot: int, limit: int) -> int:
    """Drain task `slot`'s work: process the never-delivered acceptances one after another, oldest first, up
    to `limit`, then wake a successor if more may wait (other tasks get their turn). Each is claimed with its
    delivery count in one statement that skips rows another drain holds, and processed as its own task would
    (acceptance_process: its own transaction, idempotent). One that raises goes on with a task of its own
    (Celery's retries and backoff) and a successor drain takes the rest a little later. How many it processed."""
    wake_taken(WAKE_KEY, slot)
    done = 0
    while done < limit:
        try:
            acceptance_id = _acceptance_claim_next()
        except Exception:  # the database went away: a successor tries again (the sweep in any case)
            logger.warning("the acceptance drain could not claim; a successor tries again", exc_info=True)
            _drain_hand_over(slot)
            return done
        if acceptance_id is None:
            return done
        try:
            acceptance_process(acceptance_id=acceptance_id, counted=True)
        except Exception:
            logger.warning("acceptance %s failed in the drain; it is retried on its own", acceptance_id, exc_info=True)
            _drain_hand_over(slot, acceptance_id)
            return done
        done += 1
    acceptance_wake()
    return done


def _drain_hand_over(slot: int, failed: object = None) -> None:
    """After an error: the failed acceptance to its own retrying task, the rest to a successor drain, both a
    little later. Never raises: with the broker down too, the sweep re-queues both."""
    from invitations.tasks import acceptance_drain_task, acceptance_process_task

    try:
        if failed is not None:
            acceptance_process_task.apply_async(args=(str(failed),), countdown=5)
        acceptance_drain_task.apply_async(args=(slot,), countdown=5)
    except Exception:
        logger.warning("could not hand the acceptance drain over; the sweep will", exc_info=True)


def _acceptance_claim_next() -> uuid.UUID | None:
    """The oldest processing acceptance no delivery has taken yet, its delivery counted (as delivery_counted,
    committed on its own and without waiting for the WAL flush); None when there is none. On PostgreSQL one
    statement; FOR NO KEY UPDATE SKIP LOCKED: two drains take different rows."""
    now = timezone.now()
    using = router.db_for_write(Acceptance)
    conn = connections[using]
    if conn.vendor == "postgresql" and conn.get_autocommit() and not conn.in_atomic_block:
        table = Acceptance._meta.db_table
        with conn.cursor() as cursor:
            cursor.execute(
                f"WITH claimed AS (UPDATE {table} SET deliveries = deliveries + 1, last_delivery_at = %s "  # noqa: S608
                f"WHERE id = (SELECT id FROM {table} WHERE status = %s AND deliveries = 0 "
                "ORDER BY created_at LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED) RETURNING id) "
                "SELECT id, set_config('synchronous_commit', 'off', true) FROM claimed",
                [now, AcceptanceStatus.PROCESSING])
            row = cursor.fetchone()
        return row[0] if row else None
    while True:  # where rows cannot be locked (SQLite), the conditional UPDATE decides between two drains
        with transaction.atomic(using=using):
            found = (Acceptance.objects.using(using).select_for_update(skip_locked=True, no_key=True)
                     .filter(status=AcceptanceStatus.PROCESSING, deliveries=0).order_by("created_at")
                     .values_list("id", flat=True).first())
            if found is None or Acceptance.objects.using(using).filter(id=found, deliveries=0).update(
                    deliveries=F("deliveries") + 1, last_delivery_at=now):
                return found


def acceptance_process(*, acceptance_id: object, counted: bool = False) -> str:
    """Apply an acceptance: re-check the rules now, then create the relationship (and DAP). Idempotent.
    `counted`: the caller counted this delivery already (the drain's claim)."""
    if not counted:
        delivery_counted(Acceptance, acceptance_id)
    with transaction.atomic():
        # One statement reads and locks the acceptance, its request and its customer (PostgreSQL locks
        # them in that order, the FROM order, for every caller), with the partner, the actor and the
        # request's creator (notify_partner mails it). FOR NO KEY UPDATE: nothing here changes a key,
        # and it still excludes a concurrent delivery of this acceptance (its own NO KEY UPDATE) and the
        # click's FOR UPDATE of the request. The customer lock keeps one acceptance per customer at a
        # time: two combined invitations of two resellers of the same provider, accepted at the same
        # moment, would both pass the "associated" check below before either is committed. The second
        # waits here and then sees the first one's association.
        acceptance = _locked_for_processing(acceptance_id)
        if acceptance is None:
            return "done-already"
        request = acceptance.request
        customer, partner, actor = acceptance.customer, request.partner, acceptance.user
        if acceptance.deliveries > settings.TASK_MAX_DELIVERIES:
            return _acceptance_fail(acceptance, request, "dead", {})
        if request.status == RequestStatus.REVOKED:
            return _acceptance_fail(acceptance, request, "revoked", {})
        if request.status in (RequestStatus.DECLINED, RequestStatus.ACCEPTED) and not request.reusable:
            return _acceptance_fail(acceptance, request, "answered", {})
        # The click counts: a link that expired while the acceptance waited in the queue still holds.
        if acceptance.created_at >= request.expires_at:
            return _acceptance_fail(acceptance, request, "expired", {})
        blockers = acceptance_blockers(request=request, customer=customer, duplicates=False)
        if blockers:
            return _acceptance_fail(acceptance, request, blockers[0].code, blockers[0].params)
        # Only a combined invitation can lose its association and go on to record the failure, which needs
        # the savepoint to undo what was applied; any other error fails the whole acceptance (the task retries).
        combined = bool(request.provider_id)
        try:
            with transaction.atomic(savepoint=combined):
                granted = _acceptance_apply(acceptance, request)
        except DomainError as exc:
            if exc.code != Code.ASSOCIATED or not combined:
                raise
            # The association went to another reseller after all: nothing of this acceptance stays.
            return _acceptance_fail(acceptance, request, "associated", {"provider": request.provider.name})
        acceptance.status = AcceptanceStatus.SUCCEEDED
        acceptance.granted_services = granted
        acceptance.processed_at = timezone.now()
        acceptance.result_code = "ok"
        acceptance.save(update_fields=["status", "granted_services", "processed_at", "result_code"])
        request.acceptance_count += 1
        if request.reusable:
            request.save(update_fields=["acceptance_count", "updated_at"])
        else:
            request.accepted_customer = customer
            link_answer(request, status=RequestStatus.ACCEPTED, actor=actor,
                        fields=("acceptance_count", "accepted_customer"))
        data = {"customer": customer.name, "partner": partner.name,
                "customer_id": str(customer.id), "partner_id": str(partner.id)}
        # One INSERT for both; no savepoint: any error here fails the whole acceptance (the task retries it).
        event_record_many([{"tenant": tenant, "kind": RequestEvents.REQUEST_ACCEPTED, "actor": actor,
                            "customer": customer, "data": data, "ip": acceptance.ip_address}
                           for tenant in (partner, customer)], savepoint=False)
        notify_partner(request=request, customer=customer, template="request_accepted")
        return "succeeded"


def _locked_for_processing(acceptance_id: object) -> Acceptance | None:
    """The processing acceptance, locked with its request and customer (see acceptance_process), with
    the partner, the actor and the request's creator; None when it is not processing. The
    statement is compiled once (partnercenter.sqlcache): every acceptance starts with it."""
    from partnercenter.sqlcache import shaped_first

    key = acceptance_id if isinstance(acceptance_id, uuid.UUID) else uuid.UUID(str(acceptance_id))

    def build(v: dict) -> Any:
        return (Acceptance.objects.select_for_update(of=("self", "request", "customer"), no_key=True)
                .select_related("customer", "user", "request__partner", "request__created_by")
                .filter(id=v["id"], status=AcceptanceStatus.PROCESSING).order_by("pk")[:1])

    return shaped_first(("acceptance to process",), build, {"id": key})


def _acceptance_apply(acceptance: Acceptance, request: RelationshipRequest) -> list[str]:
    """Create the relationship(s), the association and the admin permissions; the granted services."""
    customer, partner, actor = acceptance.customer, request.partner, acceptance.user
    reseller_relationship_ensure(
        partner=partner, customer=customer, actor=actor, source_request=request, ip=acceptance.ip_address
    )
    if request.provider_id:
        # Combined invitation: the provider becomes reseller too, and the customer is associated
        # with the reseller under that provider — all in this one transaction.
        reseller_relationship_ensure(partner=request.provider, customer=customer, actor=actor,
                                     source_request=request, ip=acceptance.ip_address)
        reseller_association_ensure(customer=customer, reseller=partner, provider=request.provider, actor=actor)
        from customers.models import RelationshipStatus, ResellerAssociation

        if not ResellerAssociation.objects.filter(customer=customer, provider_id=request.provider_id,
                                                  reseller=partner, status=RelationshipStatus.ACTIVE).exists():
            # reseller_association_ensure lost a race on the unique index to another reseller.
            raise Conflict(_("Another reseller of %(provider)s serves this customer already."),
                           params={"provider": request.provider.name}, code=Code.ASSOCIATED)
    if not acceptance.include_dap:
        return []
    # Another partner's admin permissions move only when the customer chose so on the page;
    # a conflict that appeared after the click keeps the current admin partner.
    return dap_grant(
        partner=partner, customer=customer, services=list(Service.values),
        reassign=acceptance.dap_choice == DapChoice.REASSIGN, actor=actor, ip=acceptance.ip_address,
    )


def _acceptance_fail(acceptance: Acceptance, request: RelationshipRequest, code: str, params: dict) -> str:
    acceptance.status = AcceptanceStatus.FAILED
    acceptance.result_code = code
    acceptance.result_params = params
    acceptance.processed_at = timezone.now()
    acceptance.save(update_fields=["status", "result_code", "result_params", "processed_at"])
    data = {"customer": acceptance.customer.name, "partner": request.partner.name, "reason_code": code,
            "reason_params": params}
    event_record_many([{"tenant": tenant, "kind": RequestEvents.ACCEPTANCE_FAILED, "actor": acceptance.user,
                        "customer": acceptance.customer, "data": data, "ip": acceptance.ip_address}
                       for tenant in (request.partner, acceptance.customer)], savepoint=False)  # one INSERT for both
    return "failed"


# Every queue of durable acceptance rows the one sweep re-queues: (model, its processing task). Advisor
# offers' acceptances (offers.models.OfferAcceptance) share the sweep, the delivery count and the backoff.
ACCEPTANCE_QUEUES: tuple[tuple[str, str], ...] = (
    ("invitations.Acceptance", "invitations.tasks.acceptance_process_task"),
    ("offers.OfferAcceptance", "offers.tasks.offer_acceptance_process_task"),
)


def delivery_counted(model: Any, row_id: object) -> None:
    """Count a delivery of a processing row in its own committed transaction: a crash or kill during
    processing rolls the work back but not the count, so a poison row is given up after N deliveries.
    Its commit need not wait for the WAL flush: the count guards against worker crashes, and the server
    has the commit whatever becomes of the worker."""
    update_unflushed(model.objects.filter(id=row_id, status="processing"),
                     deliveries=F("deliveries") + 1, last_delivery_at=timezone.now())


def acceptances_sweep(*, older_than_seconds: int = 30, stale_after_seconds: int = 600) -> int:
    """Re-queue acceptances whose broker message was lost: never delivered (broker down at the click, a lost
    wake-up), or last tried long ago (a worker killed while processing it). A row inside Celery's retry
    backoff (at most 300 s, acceptance_process_task) is left alone, so sweeps do not use up its deliveries.
    Where wake-ups coalesce, the never-delivered relationship-request acceptances wake a drain instead of a
    task each."""
    from django.apps import apps
    from django.utils.module_loading import import_string

    now = timezone.now()
    total = 0
    for model_name, task_path in ACCEPTANCE_QUEUES:
        model, task = apps.get_model(model_name), import_string(task_path)
        rows = list(
            model.objects.filter(status="processing")
            .filter(
                Q(deliveries=0, created_at__lt=now - timedelta(seconds=older_than_seconds))
                | Q(last_delivery_at__lt=now - timedelta(seconds=stale_after_seconds))
            )
            .values_list("id", "deliveries")[:1000]
        )
        total += len(rows)
        if model is Acceptance and coalescing():
            if any(deliveries == 0 for _id, deliveries in rows):
                acceptance_wake()
            rows = [(row_id, deliveries) for row_id, deliveries in rows if deliveries > 0]
        ids = [row_id for row_id, _deliveries in rows]
        for row_id in ids:
            try:
                task.apply_async(args=(str(row_id),), retry=False)
            except Exception:
                logger.warning("broker unavailable; %d acceptances wait", len(ids))
                return total
    return total
