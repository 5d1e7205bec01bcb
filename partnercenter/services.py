"""Writes of the tenancy core. Keyword-only, one transaction each, raising domain errors."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from partnercenter.dispatch import atomic_unflushed, enqueue_on_commit
from partnercenter.domains import InvalidDomain, email_to_ascii, normalize_domain
from partnercenter.errors import Conflict, Invalid
from partnercenter.events import CoreEvents, event_record
from partnercenter.models import (
    CompanyProfile,
    Membership,
    OutboxEmail,
    OutboxStatus,
    PartnerType,
    Tenant,
    TenantKind,
    User,
)
from partnercenter.roles import Role

logger = logging.getLogger(__name__)


# --- Mail outbox --------------------------------------------------------------------------------


def outbox_email_create(
    *,
    to_email: str,
    template: str,
    context: dict[str, Any],
    language: str,
    tenant: Tenant | None = None,
    reply_to: str = "",
    dedupe_key: str | None = None,
    send_after: datetime | None = None,
) -> OutboxEmail:
    """Render a localised template into a durable outbox row; a task sends it after commit (or the
    sweep, once `send_after` has passed). With `dedupe_key`, a second call returns the first row."""
    if dedupe_key is not None:
        existing = OutboxEmail.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
        body = render_to_string(f"emails/{template}_body.txt", context)
    return outbox_email_create_raw(
        to_email=to_email, subject=subject, body=body, language=language, kind=template, tenant=tenant,
        reply_to=reply_to, dedupe_key=dedupe_key, send_after=send_after,
    )


def outbox_email_create_raw(
    *,
    to_email: str,
    subject: str,
    body: str,
    language: str,
    kind: str,
    tenant: Tenant | None = None,
    reply_to: str = "",
    dedupe_key: str | None = None,
    send_after: datetime | None = None,
) -> OutboxEmail:
    from partnercenter.tasks import outbox_deliver_task

    fields = {
        "to_email": to_email, "subject": subject[:300], "body": body, "language": language, "kind": kind,
        "tenant": tenant, "reply_to": reply_to, "send_after": send_after,
    }
    if dedupe_key is None:
        row = OutboxEmail.objects.create(**fields)
    else:
        # The unique index decides between concurrent creators: the loser waits for the winner's commit,
        # gets the IntegrityError inside its savepoint and returns the winner's row.
        try:
            with transaction.atomic():
                row = OutboxEmail.objects.create(dedupe_key=dedupe_key, **fields)
        except IntegrityError:
            existing = OutboxEmail.objects.filter(dedupe_key=dedupe_key).first()
            if existing is None:
                raise
            return existing
    if row.is_due():
        enqueue_on_commit(outbox_deliver_task, row.id)
    return row


class OutboxSendFailed(Exception):
    """The mail server refused or could not be reached; the row stays pending for a retry."""

    def __init__(self, message: str, *, email_id: int | None = None) -> None:
        super().__init__(message)
        self.email_id = email_id


def outbox_due(now: datetime | None = None) -> Any:
    """The outbox rows that may be sent now: pending, and past their `send_after` if they have one. The
    one definition of "due": the claim, the drain and the sweep all start from it."""
    now = now or timezone.now()
    return OutboxEmail.objects.filter(status=OutboxStatus.PENDING).filter(
        Q(send_after__isnull=True) | Q(send_after__lte=now))


def outbox_drain(*, connection: Any, limit: int, exclude: int | None = None) -> int:
    """Send up to `limit` due, never-tried rows over one mail connection, oldest first; how many this call
    sent. Each row is picked (FOR UPDATE SKIP LOCKED: two workers draining at once take different rows
    instead of queueing on the same one) and claimed by outbox_email_deliver's conditional UPDATE in one
    short transaction just before it is sent, so a row another worker (or the sweep) took meanwhile is
    never sent twice. Rows in a retry's backoff (attempts > 0) are left to their own task. A refused
    send raises OutboxSendFailed (with the row's id): the caller drops the connection and hands that row
    to its retrying task."""
    # Oldest first, in the order of the (status, created_at) index: no scan of the sent rows.
    due = outbox_due().filter(attempts=0).exclude(id=exclude).order_by("created_at")
    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            email_id = due.select_for_update(skip_locked=True).values_list("id", flat=True).first()
            claimed = email_id is not None and _outbox_claim(email_id)
        if email_id is None:
            break
        if claimed:
            sent += _outbox_send(email_id, connection)
    return sent


def _outbox_claim(email_id: int) -> bool:
    # Claim first, in one conditional UPDATE that commits before anything is sent: of two deliveries of
    # the same row only one matches (PostgreSQL re-checks the condition after the other's commit). A crash
    # after this point leaves the row 'sending', which is never retried automatically (at most once); the
    # sweep marks it failed for an operator to look at.
    now = timezone.now()
    pending = outbox_due(now).filter(id=email_id)
    claimed = pending.filter(attempts__lt=settings.OUTBOX_MAX_ATTEMPTS).update(
        status=OutboxStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not claimed:  # sent, given up, or not due yet (the sweep queues it again when it is)
        pending.filter(attempts__gte=settings.OUTBOX_MAX_ATTEMPTS).update(status=OutboxStatus.FAILED)
    return bool(claimed)


def outbox_email_deliver(*, email_id: int, connection: Any = None) -> bool:
    """Send one outbox row at most once. Returns True when this call sent it. `connection` (a mail
    backend connection) lets a batch, or a worker's mail tasks, share one SMTP session."""
    return _outbox_claim(email_id) and _outbox_send(email_id, connection)


def _outbox_send(email_id: int, connection: Any) -> bool:
    """Send a row this process has just claimed, and mark it sent (or pending again for a retry)."""
    row = OutboxEmail.objects.get(id=email_id)
    message = EmailMessage(
        subject=row.subject,
        body=row.body,
        to=[row.to_email],
        reply_to=[row.reply_to] if row.reply_to else None,
        connection=connection,
    )
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # SMTP and socket errors: nothing was sent, so a retry is safe
        row.status = OutboxStatus.PENDING if row.attempts < settings.OUTBOX_MAX_ATTEMPTS else OutboxStatus.FAILED
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        row.save(update_fields=["status", "last_error"])
        raise OutboxSendFailed(row.last_error, email_id=row.id) from exc
    row.status = OutboxStatus.SENT
    row.sent_at = timezone.now()
    fields = ["status", "sent_at"]
    if not settings.DEV_OUTBOX_ENABLED:
        # Bodies carry live links (invitations, password resets): keep no copy once delivered.
        row.body = ""
        fields.append("body")
    # The 'sent' mark need not wait for the WAL flush (synchronous_commit off for this transaction): a
    # crash that loses it leaves the row 'sending', which is never sent again (the claim above waited).
    with atomic_unflushed():
        row.save(update_fields=fields)
    return True


def outbox_sweep(
    *, pending_older_than_seconds: int = 30, sending_stuck_seconds: int = 900, retry_stale_seconds: int = 1800
) -> int:
    """Re-queue rows a lost broker message left behind; give up on rows whose send outcome is unknown."""
    from partnercenter.tasks import outbox_deliver_task

    now = timezone.now()
    OutboxEmail.objects.filter(
        status=OutboxStatus.SENDING, claimed_at__lt=now - timezone.timedelta(seconds=sending_stuck_seconds)
    ).update(status=OutboxStatus.FAILED, last_error="worker lost during send; not retried to avoid a duplicate")
    # Never-tried rows after a short wait, or as soon as their send_after has passed; rows waiting in
    # Celery's retry backoff only once it is long over. A row that is not due yet is never queued.
    ids = list(
        outbox_due(now)
        .filter(
            Q(attempts=0, send_after__isnull=True,
              created_at__lt=now - timezone.timedelta(seconds=pending_older_than_seconds))
            | Q(attempts=0, send_after__isnull=False)
            | Q(claimed_at__lt=now - timezone.timedelta(seconds=retry_stale_seconds))
        )
        .order_by("id")
        .values_list("id", flat=True)[:1000]
    )
    for email_id in ids:
        try:
            outbox_deliver_task.apply_async(args=(email_id,), retry=False)
        except Exception:
            logger.warning("broker still unavailable; %d outbox rows wait", len(ids))
            break
    return len(ids)


# --- Tenants ------------------------------------------------------------------------------------


def domain_normalize_or_error(value: str, *, field: str = "primary_domain") -> str:

    try:
        return normalize_domain(value)
    except InvalidDomain as exc:
        raise Invalid(exc.message, field=field) from None


def tenant_create(
    *,
    kind: str,
    name: str,
    primary_domain: str,
    country: str,
    cloud: str,
    actor: User | None = None,
    mpn_id: str | None = None,
    partner_type: str = "",
    ip: str | None = None,
    **fields: Any,
) -> Tenant:
    from django.utils.translation import gettext_lazy as _

    domain = domain_normalize_or_error(primary_domain)
    if Tenant.objects.filter(primary_domain=domain).exists():
        raise Conflict(_("This domain is already registered to another organisation."), field="primary_domain")
    try:
        with transaction.atomic():
            tenant = Tenant.objects.create(
                kind=kind,
                name=name.strip(),
                primary_domain=domain,
                country=country,
                cloud=cloud,
                mpn_id=mpn_id if kind == TenantKind.PARTNER else None,
                partner_type=partner_type if kind == TenantKind.PARTNER else "",
                **fields,
            )
            if kind == TenantKind.PARTNER:
                CompanyProfile.objects.create(tenant=tenant, legal_name=tenant.name, country=country)
            event_record(tenant=tenant, kind=CoreEvents.TENANT_CREATED, actor=actor, data={"name": tenant.name},
                         ip=ip)
    except IntegrityError:
        # The check above races with a concurrent sign-up of the same domain; the unique index decides.
        raise Conflict(
            _("This domain is already registered to another organisation."), field="primary_domain"
        ) from None
    return tenant


def partner_tenant_create(
    *, name: str, primary_domain: str, country: str, cloud: str, mpn_id: str, partner_type: str, **fields: Any
) -> Tenant:
    if partner_type not in PartnerType.values:
        raise ValueError(partner_type)
    return tenant_create(
        kind=TenantKind.PARTNER, name=name, primary_domain=primary_domain, country=country, cloud=cloud,
        mpn_id=mpn_id, partner_type=partner_type, **fields,
    )


def membership_grant(*, user: User, tenant: Tenant, roles: list[str]) -> None:
    for role in roles:
        Membership.objects.get_or_create(user=user, tenant=tenant, role=role, defaults={"is_active": True})


def customer_with_admin_create(
    *,
    company_name: str,
    primary_domain: str,
    country: str,
    cloud: str,
    email: str,
    password: str,
    language: str,
    email_verified: bool,
    ip: str | None = None,
    password_hash: str = "",
) -> tuple[Tenant, User]:
    """A new customer tenant and its first Global admin, in one transaction. `password_hash`: a
    password hashed earlier (a sign-up confirmed by email) instead of `password`."""
    from allauth.account.models import EmailAddress
    from django.utils.translation import gettext_lazy as _

    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise Conflict(
                _("An account with this email already exists. Sign in instead."), field="email"
            )
        # Stored as punycode, shown in Unicode (sign-in accepts either form).
        user = User(email=email_to_ascii(User.objects.normalize_email(email)), language=language)
        if password_hash:
            user.password = password_hash
        else:
            user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise Conflict(_("An account with this email already exists. Sign in instead."), field="email") from None
        tenant = tenant_create(
            kind=TenantKind.CUSTOMER, name=company_name, primary_domain=primary_domain, country=country,
            cloud=cloud, actor=user, ip=ip,
        )
        membership_grant(user=user, tenant=tenant, roles=[Role.CUSTOMER_GLOBAL_ADMIN])
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    return tenant, user


def company_profile_update(
    *, tenant: Tenant, actor: User, data: dict[str, Any], ip: str | None = None
) -> CompanyProfile:
    with transaction.atomic():
        profile = CompanyProfile.objects.select_for_update().get(tenant=tenant)
        changed = [name for name, value in data.items() if getattr(profile, name) != value]
        for name in changed:
            setattr(profile, name, data[name])
        if changed:
            profile.save()
            event_record(
                tenant=tenant, kind=CoreEvents.PROFILE_UPDATED, actor=actor, data={"fields": changed},
                ip=ip,
            )
    return profile


def tenant_mfa_requirement_set(*, tenant: Tenant, actor: User, required: bool, ip: str | None = None) -> None:
    with transaction.atomic():
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if locked.mfa_required == required:
            return
        locked.mfa_required = required
        locked.save(update_fields=["mfa_required"])
        event_record(tenant=locked, kind=CoreEvents.MFA_POLICY, actor=actor, data={"required": required}, ip=ip)
    tenant.mfa_required = required


def user_language_set(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValueError(language)
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
