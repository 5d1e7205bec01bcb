"""Bulk invitations ("Invite many customers", issue 13 §3): an uploaded CSV is checked row by row into
a preview (BulkInvitation); "Send" starts a background job (invitations/jobs.py) whose chunks create one
tracked, addressed relationship request per row — the same rights (issuing.request_rights_check), the
same rules (checks.customer_emails, checks.pending_requests), the same link rows and activity kinds as a
single invite — with a few queries per chunk. The mails go through the outbox, paced by send_after
(BULK_INVITATION_MAILS_PER_MINUTE, 0 = unpaced); cancelling withdraws the ones not sent yet.

Idempotent per email: a job's items are unique per email and never run twice (jobs engine); across
uploads the pending-request rule skips an address that already has a request (and the partial unique
index request_one_pending_per_email backs it); chunks of one partner take a transaction-level advisory
lock, so two jobs of the same partner check and insert one after the other.
"""

from __future__ import annotations

import zlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invitations import bulkcsv
from invitations.drafts import draft_checked
from invitations.errors import NotAllowed
from invitations.events import BulkEvents, RequestEvents
from invitations.models import BulkInvitation, BulkStatus, RelationshipRequest, RequestStatus
from invitations.services.checks import customer_emails, pending_requests
from invitations.services.issuing import request_rights_check
from links.kinds import KINDS, link_paths
from links.services import recipient_languages
from links.tokens import token_new
from partnercenter.bulkinsert import rows_insert
from partnercenter.errors import Invalid
from partnercenter.events import event_record, event_record_many, event_record_rows
from partnercenter.models import OutboxEmail, OutboxStatus, Tenant, User
from partnercenter.outbox import outbox_send_on_commit

# The draft's stand-in for each customer's personal link; replaced row by row when the mails are written.
LINK_PLACEHOLDER = "[LINK]"
KIND = "invitations.bulk_invite"
MAIL_KIND = "relationship_request"


def _dedupe_prefix(job_id: Any) -> str:
    return f"bulk-invite:{job_id}:"


def bulk_preview_create(
    *, partner: Tenant, actor: User, upload: Any, include_dap: bool, subject: str, body: str, language: str,
    ip: str | None = None,
) -> BulkInvitation:
    """Check the rights, the draft and every row of the file; nothing is sent (the preview)."""
    request_rights_check(partner=partner, actor=actor, include_dap=include_dap)
    subject, body = draft_checked(subject=subject, body=body, link=LINK_PLACEHOLDER)
    checked = bulkcsv.check_rows(partner=partner, rows=bulkcsv.read_upload(upload))
    with transaction.atomic():
        bulk = BulkInvitation.objects.create(
            partner=partner, created_by=actor, filename=str(getattr(upload, "name", ""))[:200],
            include_dap=include_dap, subject=subject, body=body, language=language, rows=checked.rows,
            rejected=checked.rejected,
        )
        event_record(tenant=partner, kind=BulkEvents.BULK_UPLOADED, actor=actor, ip=ip,
                     data={"bulk": str(bulk.id), "rows": len(checked.rows), "rejected": len(checked.rejected)})
    return bulk


def bulk_send(*, bulk: BulkInvitation, actor: User, ip: str | None = None) -> Any:
    """"Send" on the preview: the job, once. A second click (or a second tab) gets the same job."""
    from jobs.services import job_create

    request_rights_check(partner=bulk.partner, actor=actor, include_dap=bulk.include_dap)
    with transaction.atomic():
        locked = BulkInvitation.objects.select_for_update(of=("self",)).select_related("job").get(pk=bulk.pk)
        if locked.status == BulkStatus.SENT:
            return locked.job
        if not locked.rows:
            raise Invalid(_("No row of this file can be sent."), field="file")
        job = job_create(tenant=locked.partner, actor=actor, kind=KIND, params={"bulk": str(locked.id)},
                         items=((row[1], row[2]) for row in locked.rows), ip=ip)
        locked.status, locked.job = BulkStatus.SENT, job
        locked.save(update_fields=["status", "job"])
        event_record(tenant=locked.partner, kind=BulkEvents.BULK_SENT, actor=actor, ip=ip,
                     data={"bulk": str(locked.id), "job": str(job.id), "rows": len(locked.rows)})
    return job


def bulk_previews_purge(*, now: Any = None) -> int:
    """Previews never sent, older than BULK_PREVIEW_KEEP_DAYS, deleted with the addresses they hold (a
    checked file nobody sent is no reason to keep a list of people); one activity entry per partner."""
    days = settings.BULK_PREVIEW_KEEP_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    stale = BulkInvitation.objects.filter(status=BulkStatus.PREVIEW, created_at__lt=cutoff)
    total = 0
    for partner_id in stale.values_list("partner_id", flat=True).distinct().order_by():
        with transaction.atomic():
            count, _deleted = stale.filter(partner_id=partner_id).delete()
            if count:
                event_record(tenant=Tenant.objects.get(pk=partner_id), kind=BulkEvents.BULK_PREVIEWS_PURGED,
                             data={"count": count, "days": days})
        total += count
    return total


# --- the job's chunks -----------------------------------------------------------------------------


def _partner_lock(partner: Tenant) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x62756C6B, zlib.crc32(str(partner.pk).encode())
                                                                    - 2**31])


def invite_chunk(job: Any, items: list) -> None:
    partner: Tenant = job.tenant
    actor: User | None = job.created_by
    bulk = BulkInvitation.objects.filter(pk=job.params.get("bulk"), partner=partner).first()
    if bulk is None:
        for item in items:
            item.mark_failed("gone")
        return
    try:
        request_rights_check(partner=partner, actor=actor, include_dap=bulk.include_dap)
    except NotAllowed:
        for item in items:
            item.mark_failed("forbidden")
        return
    _partner_lock(partner)
    emails = [item.key for item in items]
    customers = customer_emails(partner=partner, emails=emails)
    pending = set(pending_requests(partner=partner, emails=emails).values_list("email", flat=True))
    todo = []
    for item in items:
        if item.key in customers:
            item.mark_skipped("customer", {"email": item.key})
        elif item.key in pending:
            item.mark_skipped("pending", {"email": item.key})
        else:
            todo.append(item)
    if todo:
        _requests_create(job, bulk, actor, todo)


def _pace_seconds() -> float:
    """Seconds between two of a job's mails (BULK_INVITATION_MAILS_PER_MINUTE; 0 or less: unpaced)."""
    per_minute = settings.BULK_INVITATION_MAILS_PER_MINUTE
    return 60.0 / per_minute if per_minute > 0 else 0.0


def _requests_create(job: Any, bulk: BulkInvitation, actor: User | None, todo: list) -> None:
    """The chunk's requests, mails and activity entries: three set-based INSERTs (partnercenter.bulkinsert),
    the rows those of a single invite (the request as link_issue + link_sent leave it, created and sent)."""
    partner = bulk.partner
    now = timezone.now()
    actor = actor if actor is not None and actor.pk else None
    row_language = {row[1]: row[3] for row in bulk.rows}
    emails = [item.key for item in todo]
    languages = recipient_languages(emails, draft_language=bulk.language)
    tokens = [token_new() for _item in todo]
    template = RelationshipRequest(partner=partner, include_dap=bulk.include_dap, created_by=actor, sent_at=now,
                                   sent_by=actor, expires_at=now + KINDS[RelationshipRequest.kind].validity)
    inserted = rows_insert(RelationshipRequest, template, ["email", "token_digest", "token_last4"],
                           [(email, token.digest, token.last4) for email, token in zip(emails, tokens, strict=True)],
                           returning=("id", "email"))
    if [email for _pk, email in inserted] != emails:
        raise RuntimeError("bulk invitation: the requests came back in another order")
    pace = _pace_seconds()
    prefix = _dedupe_prefix(job.id)
    links = link_paths(RelationshipRequest.kind, [token.raw for token in tokens])
    mail = OutboxEmail(tenant=partner, kind=MAIL_KIND, subject=bulk.subject, reply_to=actor.email if actor else "")
    mails, events = [], []
    for item, token, (pk, _email), path in zip(todo, tokens, inserted, links, strict=True):
        send_after = job.created_at + timedelta(seconds=(item.position - 1) * pace)
        mails.append((item.key, bulk.body.replace(LINK_PLACEHOLDER, settings.SITE_URL + path),
                      row_language.get(item.key) or languages[item.key], f"{prefix}{pk}", send_after))
        data = {"last4": token.last4, "email": item.key, "job": str(job.id)}
        events += [(RequestEvents.REQUEST_CREATED, data), (RequestEvents.REQUEST_SENT, data)]
        item.mark_done(result={"request": pk, "send_after": send_after.isoformat(timespec="seconds")})
    ids = rows_insert(OutboxEmail, mail, ["to_email", "body", "language", "dedupe_key", "send_after"], mails)
    event_record_rows(tenant=partner, actor=actor, entries=events)
    due = [pk for (pk,), row in zip(ids, mails, strict=True) if row[4] <= now]
    outbox_send_on_commit(due)  # the rest: the outbox sweep, once due


def withdraw_unsent(job: Any) -> int:
    """on_cancel: the job's mails not sent yet are not sent; their requests are revoked and their items
    cancelled (the results CSV says so). A mail being sent right now ('sending') is not stopped."""
    rows = list(OutboxEmail.objects.select_for_update().filter(
        dedupe_key__startswith=_dedupe_prefix(job.id), status=OutboxStatus.PENDING).values_list("id", "dedupe_key"))
    if not rows:
        return 0
    OutboxEmail.objects.filter(pk__in=[pk for pk, _key in rows]).update(
        status=OutboxStatus.FAILED, last_error="withdrawn: the bulk invitation was cancelled before it was sent")
    request_ids = [int(key.rsplit(":", 1)[1]) for _pk, key in rows]
    requests = list(RelationshipRequest.objects.select_for_update().filter(
        pk__in=request_ids, status=RequestStatus.PENDING).only("id", "email", "token_last4"))
    now = timezone.now()
    RelationshipRequest.objects.filter(pk__in=[r.pk for r in requests]).update(
        status=RequestStatus.REVOKED, revoked_at=now, revoked_by=job.cancel_requested_by, updated_at=now)
    actor = job.cancel_requested_by
    event_record_many([{"tenant": job.tenant, "kind": RequestEvents.REQUEST_REVOKED, "actor": actor,
                        "data": {"last4": r.token_last4, "email": r.email, "job": str(job.id)}} for r in requests])
    from jobs.models import ItemStatus, Job, JobItem

    count = JobItem.objects.filter(job=job, key__in=[r.email for r in requests], status=ItemStatus.DONE).update(
        status=ItemStatus.CANCELLED, reason_code="withdrawn")
    Job.objects.filter(pk=job.pk).update(done=F("done") - count, cancelled=F("cancelled") + count)
    event_record(tenant=job.tenant, kind=BulkEvents.BULK_WITHDRAWN, actor=actor,
                 data={"job": str(job.id), "count": len(rows)})
    return len(rows)
