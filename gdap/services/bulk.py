"""The chunk handlers of the bulk GDAP jobs (gdap/jobs.py): request admin relationships from a role
template for many customers, terminate many relationships, remove Global Administrator from many.

Each handler gets up to a chunk of pending job items inside the chunk's transaction (jobs/registry.py)
and does the same as the one-at-a-time services — the same gdap.rules checks, the same rows, the same
activity kinds — with a few queries per chunk instead of a few per item. Idempotent per key: an item
that already ran is never pending again (the engine), and one that reaches the handler again (after a
rolled-back chunk) finds nothing of its earlier run. What one item must never get twice is guarded by a
row lock taken in one order: two jobs with the same template and customer wait for each other and the
second one finds the first one's relationship ("exists").
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from customers.models import RelationshipStatus as ResellerStatus
from customers.models import ResellerRelationship
from customers.rules import in_us_government_cloud
from gdap import rules
from gdap.events import GdapEvents
from gdap.models import (
    GLOBAL_ADMINISTRATOR_ID,
    LIVE,
    AccessAssignment,
    AdminRelationship,
    AdminRelationshipRequest,
    AssignmentStatus,
    GdapApproval,
    RelationshipStatus,
    RequestAction,
    RequestStatus,
    RoleTemplate,
    TerminatedSide,
)
from gdap.services import approval_send
from gdap.services.approval_send import approval_mail_context
from gdap.services.common import relationship_data, require
from gdap.services.names import display_name_for, unique_display_names
from links.kinds import KINDS, link_path
from links.models import LinkStatus
from links.tokens import token_new
from partnercenter.errors import Code, DomainError, Forbidden
from partnercenter.events import event_record_many
from partnercenter.models import CompanyProfile, Membership, OutboxEmail, Tenant, User
from partnercenter.outbox import outbox_send_on_commit
from partnercenter.roles import Perm, Role

MAIL_TEMPLATE = approval_send.TEMPLATE
# A customer that has one of these from the template already is skipped: asked, or granted.
OPEN_STATUSES = (RelationshipStatus.CREATED, RelationshipStatus.APPROVAL_PENDING, RelationshipStatus.APPROVED,
                 RelationshipStatus.ACTIVATING, *LIVE)


def approval_url(raw_token: str) -> str:
    """The absolute approval link that goes into the mail and the results CSV."""
    return settings.SITE_URL + link_path("gdap_approval", raw_token)


def _fail_all(items: list, code: str, params: dict | None = None) -> None:
    for item in items:
        item.mark_failed(code, params)


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# --- bulk request ---------------------------------------------------------------------------------


def _template(job: Any) -> RoleTemplate | None:
    template_id = _uuid(job.params.get("template", ""))
    if template_id is None:
        return None
    return RoleTemplate.objects.filter(partner=job.tenant, pk=template_id).prefetch_related("roles").first()


def _global_admins(customer_ids: Iterable[Any]) -> dict[Any, list[tuple[int, str, str]]]:
    """{customer id: [(user id, email, language)]} of the active Global admins, one query."""
    admins: dict[Any, list[tuple[int, str, str]]] = defaultdict(list)
    rows = (Membership.objects.filter(tenant_id__in=list(customer_ids), role=Role.CUSTOMER_GLOBAL_ADMIN,
                                      is_active=True, user__is_active=True)
            .order_by("tenant_id", "user__email").values_list("tenant_id", "user_id", "user__email", "user__language"))
    for tenant_id, user_id, email, language in rows:
        admins[tenant_id].append((user_id, email, language or settings.LANGUAGE_CODE))
    return admins


def _refusal(partner: Tenant, customer: Tenant | None, served: set) -> tuple[str, dict] | None:
    """gdap.rules.customer_check for one customer of the chunk, as a skip reason instead of an error."""
    code = rules.customer_refusal(partner=partner, customer=customer,
                                  is_reseller_customer=customer is not None and customer.pk in served)
    if code is None:
        return None
    return str(code), ({"customer": customer.name} if customer is not None else {})


def request_chunk(job: Any, items: list) -> None:
    """gdap.bulk_request: per customer, what services.request_relationship does (create from the
    template, lock for approval, the approval link) plus mailing the link to the customer's Global
    admins through the outbox, in the recipient's language."""
    partner: Tenant = job.tenant
    actor: User | None = job.created_by
    template = _template(job)
    if template is None:
        return _fail_all(items, "template_gone")
    try:
        require(actor, partner, Perm.GDAP_MANAGE)  # the creator may have lost the right since
        roles = rules.roles_clean(list(template.roles.all()))
        duration = rules.duration_parse(template.duration)
        extend = rules.auto_extend_parse(template.auto_extend_duration)
        rules.auto_extend_check(roles=roles, auto_extend=extend)
    except Forbidden:
        return _fail_all(items, "forbidden")
    except DomainError:
        return _fail_all(items, "template_invalid", {"template": template.name})
    if in_us_government_cloud(partner):
        for item in items:
            item.mark_skipped(str(Code.US_GOVERNMENT), {"customer": item.label})
        return None

    by_key = {item.key: _uuid(item.key) for item in items}
    ids = sorted({cid for cid in by_key.values() if cid is not None})
    # The partner's reseller relationship rows of these customers, locked in id order: the per-customer
    # mutex between two runners (two jobs from the same template) — the second one waits here, then
    # sees the first one's relationship below. Also the "active reseller relationship" rule.
    served = set(ResellerRelationship.objects.select_for_update().filter(
        partner=partner, customer_id__in=ids, status=ResellerStatus.ACTIVE).order_by("id")
        .values_list("customer_id", flat=True))
    customers = {c.pk: c for c in Tenant.objects.filter(pk__in=ids).only("id", "kind", "name", "cloud", "country")}
    existing = set(AdminRelationship.objects.filter(partner=partner, customer_id__in=ids, template=template,
                                                    status__in=OPEN_STATUSES).values_list("customer_id", flat=True))
    todo = []
    for item in items:
        cid = by_key[item.key]
        refusal = _refusal(partner, customers.get(cid), served) if cid else (str(Code.INVALID), {})
        if refusal is not None:
            code, params = refusal
            item.mark_skipped(code, params or {"customer": item.label})
        elif cid in existing:
            item.mark_skipped("exists", {"customer": customers[cid].name, "template": template.name})
        else:
            existing.add(cid)  # the same customer twice in one chunk cannot happen (unique keys); kept safe
            todo.append((item, customers[cid]))
    if todo:
        _request_create(job, partner, actor, template, roles, duration, extend, todo)
    return None


def _request_create(job: Any, partner: Tenant, actor: User | None, template: RoleTemplate, roles: list,
                    duration: timedelta, extend: timedelta, todo: list) -> None:
    now = timezone.now()
    names = unique_display_names(partner, {c.pk: (template.name, c.name) for _item, c in todo})
    admins = _global_admins(c.pk for _item, c in todo)
    actor = actor if actor is not None and actor.pk else None
    rels = [
        AdminRelationship(partner=partner, customer=customer, display_name=names[customer.pk], duration=duration,
                          auto_extend_duration=extend, status=RelationshipStatus.APPROVAL_PENDING, created_at=now,
                          created_by=actor, template=template, version=2, last_modified_at=now)  # created, locked
        for _item, customer in todo
    ]
    AdminRelationship.objects.bulk_create(rels)
    through = AdminRelationship.roles.through
    through.objects.bulk_create([through(adminrelationship_id=rel.pk, roledefinition_id=role.pk)
                                 for rel in rels for role in roles])
    AdminRelationshipRequest.objects.bulk_create([
        AdminRelationshipRequest(relationship=rel, action=RequestAction.LOCK_FOR_APPROVAL,
                                 status=RequestStatus.SUCCEEDED, actor=actor, created_at=now)
        for rel in rels])
    tokens = [token_new() for _rel in rels]
    expires = now + KINDS["gdap_approval"].validity
    approvals = [
        GdapApproval(partner=partner, relationship=rel, created_by=actor, token_digest=token.digest,
                     token_last4=token.last4, expires_at=expires,
                     sent_at=now if admins.get(rel.customer_id) else None,
                     sent_by=actor if admins.get(rel.customer_id) else None)
        for rel, token in zip(rels, tokens, strict=True)
    ]
    GdapApproval.objects.bulk_create(approvals)

    mails: list[OutboxEmail] = []
    events: list[dict] = []
    reply_to = getattr(getattr(partner, "profile", None), "support_email", "") or ""
    profile = CompanyProfile.objects.filter(tenant=partner).first()
    for (item, customer), rel, token in zip(todo, rels, tokens, strict=True):
        link = approval_url(token.raw)
        recipients = admins.get(customer.pk, [])
        for user_id, email, language in recipients:
            mails.append(_approval_mail(profile, customer, rel, roles, link, expires, email, language,
                                        reply_to, dedupe_key=f"gdap-approval:{rel.pk}:{user_id}"))
        data = relationship_data(rel, job=str(job.id))
        events += [
            {"tenant": partner, "kind": GdapEvents.CREATED, "actor": actor, "customer": customer, "data": data},
            {"tenant": partner, "kind": GdapEvents.APPROVAL_REQUESTED, "actor": actor, "customer": customer,
             "data": data},
            {"tenant": customer, "kind": GdapEvents.APPROVAL_REQUESTED, "actor": actor, "customer": customer,
             "data": data},
            {"tenant": partner, "kind": GdapEvents.LINK_CREATED, "actor": actor,
             "data": {"last4": token.last4, "relationship_id": str(rel.pk)}},
        ]
        if recipients:
            events.append({"tenant": partner, "kind": GdapEvents.LINK_SENT, "actor": actor,
                           "data": {"last4": token.last4, "relationship_id": str(rel.pk)}})
        item.mark_done(result={"link": link, "name": rel.display_name, "relationship": str(rel.pk),
                               "mailed": "; ".join(email for _u, email, _l in recipients)})
        if not recipients:
            # Done, and the results say why nobody was mailed (the engine writes reason_code with the item).
            item.reason_code, item.reason_params = "no_admin", {"customer": customer.name}
    event_record_many(events)
    OutboxEmail.objects.bulk_create(mails, batch_size=1000)
    _deliver_on_commit(mails)


def _approval_mail(profile: CompanyProfile | None, customer: Tenant, rel: AdminRelationship, roles: list, link: str,
                   expires: Any, email: str, language: str, reply_to: str, *, dedupe_key: str) -> OutboxEmail:
    """The outbox row of one approval mail, the same as "Send" writes (approval_send's template and
    context), unsaved: the chunk writes its rows with one INSERT."""
    partner = rel.partner
    context = approval_mail_context(rel, roles=roles, link=link, expires_at=expires, profile=profile)
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{MAIL_TEMPLATE}_subject.txt", context).split())
        body = render_to_string(f"emails/{MAIL_TEMPLATE}_body.txt", context)
    return OutboxEmail(to_email=email, subject=subject[:300], body=body, language=language, kind=MAIL_TEMPLATE,
                       tenant=partner, reply_to=reply_to, dedupe_key=dedupe_key)


def _deliver_on_commit(mails: list[OutboxEmail]) -> None:
    """The chunk's mails are sent after commit (one wake-up of the outbox's drain, not a task per mail); a
    lost wake-up leaves the rows pending and the outbox sweep sends them."""
    outbox_send_on_commit([mail.pk for mail in mails])


# --- bulk terminate and remove Global Administrator -----------------------------------------------


def _locked_relationships(job: Any, items: list, *, links_first: bool) -> dict[str, AdminRelationship]:
    """The chunk's relationships of the job's partner, locked in the services' order (approval link →
    relationship), by item key. Another partner's id is simply absent (the item is skipped as unknown)."""
    ids = sorted({rid for rid in (_uuid(item.key) for item in items) if rid is not None})
    if links_first:
        list(GdapApproval.objects.select_for_update().filter(relationship_id__in=ids, status=LinkStatus.PENDING)
             .order_by("pk").values_list("pk", flat=True))
    rows = (AdminRelationship.objects.select_for_update(of=("self",)).filter(partner=job.tenant, pk__in=ids)
            .select_related("customer").order_by("pk"))
    return {str(rel.pk): rel for rel in rows}


def _manager(job: Any, items: list) -> bool:
    try:
        require(job.created_by, job.tenant, Perm.GDAP_MANAGE)
    except Forbidden:
        _fail_all(items, "forbidden")
        return False
    return True


def terminate_chunk(job: Any, items: list) -> None:
    """gdap.bulk_terminate: per relationship, services.terminate (partner side) and its completion in
    one step — this job is the background work the single "Terminate" queues. Pending approval links
    are revoked, assignments deleted, both tenants' logs get "termination requested" and "terminated"."""
    if not _manager(job, items):
        return
    actor = job.created_by if job.created_by is not None and job.created_by.pk else None
    rels = _locked_relationships(job, items, links_first=True)
    now = timezone.now()
    ending: list[AdminRelationship] = []
    for item in items:
        rel = rels.get(item.key)
        if rel is None:
            item.mark_skipped("unknown", {"name": item.label})
        elif rel.status not in (*LIVE, RelationshipStatus.APPROVAL_PENDING):
            item.mark_skipped("not_terminable", {"name": rel.display_name, "status": rel.get_status_display()})
        else:
            ending.append(rel)
            item.mark_done(result={"name": rel.display_name, "customer": rel.customer.name if rel.customer else ""})
    if not ending:
        return
    pks = [rel.pk for rel in ending]
    links = list(GdapApproval.objects.filter(relationship_id__in=pks, status=LinkStatus.PENDING))
    GdapApproval.objects.filter(pk__in=[link.pk for link in links]).update(
        status=LinkStatus.REVOKED, revoked_at=now, revoked_by=actor, updated_at=now)
    AccessAssignment.objects.filter(relationship_id__in=pks).exclude(status=AssignmentStatus.DELETED).update(
        status=AssignmentStatus.DELETED, version=F("version") + 1, last_modified_at=now)
    AdminRelationship.objects.filter(pk__in=pks).update(
        status=RelationshipStatus.TERMINATED, terminated_at=now, terminated_by=actor,
        terminated_side=TerminatedSide.PARTNER, version=F("version") + 1, last_modified_at=now)
    AdminRelationshipRequest.objects.bulk_create([
        AdminRelationshipRequest(relationship=rel, action=RequestAction.TERMINATE, status=RequestStatus.SUCCEEDED,
                                 actor=actor, created_at=now) for rel in ending])
    events = [{"tenant": job.tenant, "kind": GdapEvents.LINK_REVOKED, "actor": actor,
               "data": {"last4": link.token_last4, "relationship_id": str(link.relationship_id)}} for link in links]
    for rel in ending:
        rel.status = RelationshipStatus.TERMINATED
        events += _both(rel, GdapEvents.TERMINATION_REQUESTED, actor, job, side=TerminatedSide.PARTNER.value)
        events += _both(rel, GdapEvents.TERMINATED, actor, job, side=TerminatedSide.PARTNER.value)
    event_record_many(events)


def _both(rel: AdminRelationship, kind: str, actor: User | None, job: Any, **extra: Any) -> list[dict]:
    """gdap.services.record's entries: the partner's, and the customer's once it may see the relationship."""
    data = relationship_data(rel, job=str(job.id), **extra)
    customer = rel.customer if rel.customer_id else None
    entries = [{"tenant": rel.partner, "kind": kind, "actor": actor, "customer": customer, "data": data}]
    if customer is not None:
        entries.append({"tenant": customer, "kind": kind, "actor": actor, "customer": customer, "data": data})
    return entries


def remove_global_admin_chunk(job: Any, items: list) -> None:
    """gdap.bulk_remove_global_admin: per active relationship, services.remove_global_admin — Global
    Administrator leaves the roles and every access assignment (an assignment left without roles is
    deleted), which makes auto-extend possible; with params {"auto_extend": true} it is turned on too."""
    if not _manager(job, items):
        return
    actor = job.created_by if job.created_by is not None and job.created_by.pk else None
    rels = _locked_relationships(job, items, links_first=False)
    through = AdminRelationship.roles.through
    role_sets: dict[Any, set] = defaultdict(set)
    for rel_id, role_id in through.objects.filter(adminrelationship_id__in=[r.pk for r in rels.values()]).values_list(
            "adminrelationship_id", "roledefinition_id"):
        role_sets[rel_id].add(role_id)
    now = timezone.now()
    changing: list[AdminRelationship] = []
    for item in items:
        rel = rels.get(item.key)
        if rel is None:
            item.mark_skipped("unknown", {"name": item.label})
        elif rel.status not in LIVE or (rel.end_at is not None and rel.end_at <= now):
            item.mark_skipped("not_active", {"name": rel.display_name, "status": rel.get_status_display()})
        elif GLOBAL_ADMINISTRATOR_ID not in role_sets[rel.pk]:
            item.mark_skipped("no_global_admin", {"name": rel.display_name})
        elif role_sets[rel.pk] == {GLOBAL_ADMINISTRATOR_ID}:
            item.mark_skipped("only_global_admin", {"name": rel.display_name})
        else:
            changing.append(rel)
            item.mark_done(result={"name": rel.display_name, "customer": rel.customer.name if rel.customer else ""})
    if not changing:
        return
    pks = [rel.pk for rel in changing]
    through.objects.filter(adminrelationship_id__in=pks, roledefinition_id=GLOBAL_ADMINISTRATOR_ID).delete()
    _assignments_without_global_admin(pks, now)
    extend = bool(job.params.get("auto_extend"))
    changes: dict[str, Any] = {"version": F("version") + 1, "last_modified_at": now}
    if extend:
        changes["auto_extend_duration"] = rules.auto_extend_parse(True)
    AdminRelationship.objects.filter(pk__in=pks).update(**changes)
    events = []
    for rel in changing:
        events += _both(rel, GdapEvents.GLOBAL_ADMIN_REMOVED, actor, job)
        if extend and not rel.auto_extends:
            events += _both(rel, GdapEvents.UPDATED, actor, job, fields="auto_extend")
    event_record_many(events)


def _assignments_without_global_admin(relationship_ids: list, now: Any) -> None:
    """services.relationships._assignments_trim for Global Administrator alone, in bulk."""
    through = AccessAssignment.roles.through
    live = AccessAssignment.objects.filter(relationship_id__in=relationship_ids).exclude(
        status=AssignmentStatus.DELETED)
    touched = list(through.objects.filter(accessassignment__in=live, roledefinition_id=GLOBAL_ADMINISTRATOR_ID)
                   .values_list("accessassignment_id", flat=True))
    if not touched:
        return
    through.objects.filter(accessassignment_id__in=touched, roledefinition_id=GLOBAL_ADMINISTRATOR_ID).delete()
    left = set(through.objects.filter(accessassignment_id__in=touched).values_list("accessassignment_id", flat=True))
    AccessAssignment.objects.filter(pk__in=[pk for pk in touched if pk not in left]).update(
        status=AssignmentStatus.DELETED, version=F("version") + 1, last_modified_at=now)
    AccessAssignment.objects.filter(pk__in=list(left)).update(version=F("version") + 1, last_modified_at=now)


__all__ = ["approval_url", "display_name_for", "remove_global_admin_chunk", "request_chunk", "terminate_chunk",
           "unique_display_names"]
