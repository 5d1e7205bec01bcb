"""The partner's writes on admin relationships: create, edit (ETag), delete, lock for approval, the
one-step "Request admin relationship", removing Global Administrator, and the status transition the
expiry sweep uses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
)
from gdap.services.common import record, relationship_lock, require
from links.services import link_issue
from partnercenter.errors import Conflict, Invalid, NotFound
from partnercenter.models import Tenant, User
from partnercenter.roles import Perm

EDITABLE = ("display_name", "roles", "duration", "auto_extend", "customer")


_name_taken = rules.display_name_taken


def relationship_create(
    *, partner: Tenant, actor: User | None, display_name: str, roles: list[Any], duration: Any,
    auto_extend: Any = None, customer: Tenant | None = None, template: RoleTemplate | None = None,
    require_reseller: bool = True, ip: str | None = None,
) -> AdminRelationship:
    """A new relationship in `created` (Graph's POST). Every rule of gdap.rules applies; `customer` may be
    None (bound at approval). `template` is remembered: approval applies its access assignments."""
    require(actor, partner, Perm.GDAP_MANAGE)
    name = rules.display_name_clean(partner=partner, value=display_name)
    role_rows = rules.roles_clean(roles)
    length = rules.duration_parse(duration)
    extend = rules.auto_extend_parse(auto_extend)
    rules.auto_extend_check(roles=role_rows, auto_extend=extend)
    if customer is not None:
        rules.customer_check(partner=partner, customer=customer, require_reseller=require_reseller)
    if template is not None and template.partner_id != partner.pk:
        raise NotFound(_("Not found"), field="template")
    try:
        with transaction.atomic():
            rel = AdminRelationship.objects.create(
                partner=partner, customer=customer, display_name=name, duration=length,
                auto_extend_duration=extend, created_by=actor, template=template,
            )
            rel.roles.set(role_rows)
            record(rel, GdapEvents.CREATED, actor=actor, ip=ip)
    except IntegrityError:
        raise _name_taken(name) from None  # a concurrent create took the name
    return rel


def relationship_update(rel: AdminRelationship, *, actor: User | None, if_match: str | None, ip: str | None = None,
                        **changes: Any) -> AdminRelationship:
    """Graph's PATCH: `changes` among display_name, roles, duration, auto_extend, customer. In `created`
    everything; when active or expiring only auto_extend and removing Global Administrator from the roles
    (which makes auto-extend possible). A wrong `if_match` raises Stale. Returns the saved row."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        locked = relationship_lock(rel)
        require(actor, locked.partner, Perm.GDAP_MANAGE)
        rules.etag_check(locked, if_match)
        current_roles = list(locked.roles.all())
        new_roles = rules.roles_clean(changes["roles"]) if "roles" in changes else current_roles
        removes_ga_only = ({r.pk for r in new_roles} == {r.pk for r in current_roles} - {GLOBAL_ADMINISTRATOR_ID}
                           and len(new_roles) < len(current_roles))
        roles_change = {r.pk for r in new_roles} != {r.pk for r in current_roles}
        if locked.status in LIVE:
            if set(changes) - {"auto_extend", "roles"} or (roles_change and not removes_ga_only):
                raise Conflict(_("An active admin relationship only allows changing auto-extend and removing "
                                 "Global Administrator."))
        elif locked.status != RelationshipStatus.CREATED:
            raise Conflict(_("This admin relationship can no longer be changed."))
        changed = _apply(locked, changes, current_roles, new_roles)
        if not changed:
            return locked
        locked.save()
        if "roles" in changed:
            locked.roles.set(new_roles)
            _assignments_trim(locked, {r.pk for r in new_roles}, actor=actor)
        if changed == ["roles"] and removes_ga_only:
            record(locked, GdapEvents.GLOBAL_ADMIN_REMOVED, actor=actor, ip=ip)
        else:
            record(locked, GdapEvents.UPDATED, actor=actor, ip=ip, fields=", ".join(changed))
    return locked


def _apply(locked: AdminRelationship, changes: dict, current_roles: list, new_roles: list) -> list[str]:
    """Check and set the changed fields on the locked row; the names of those that changed."""
    changed: list[str] = []
    if "display_name" in changes:
        name = rules.display_name_clean(partner=locked.partner, value=changes["display_name"], exclude_id=locked.pk)
        if name != locked.display_name:
            locked.display_name = name
            changed.append("display_name")
    if "duration" in changes:
        length = rules.duration_parse(changes["duration"])
        if length != locked.duration:
            locked.duration = length
            changed.append("duration")
    extend = rules.auto_extend_parse(changes["auto_extend"]) if "auto_extend" in changes \
        else locked.auto_extend_duration
    rules.auto_extend_check(roles=new_roles, auto_extend=extend)
    if extend != locked.auto_extend_duration:
        locked.auto_extend_duration = extend
        changed.append("auto_extend")
    if "customer" in changes and changes["customer"] is not None \
            and changes["customer"].pk != locked.customer_id:
        rules.customer_check(partner=locked.partner, customer=changes["customer"])
        locked.customer = changes["customer"]
        changed.append("customer")
    if {r.pk for r in new_roles} != {r.pk for r in current_roles}:
        changed.append("roles")
    return changed


def _assignments_trim(rel: AdminRelationship, allowed: set, *, actor: User | None) -> None:
    """Roles removed from a relationship leave its assignments too; one left without roles is deleted."""
    for assignment in AccessAssignment.objects.select_for_update().filter(relationship=rel).exclude(
            status=AssignmentStatus.DELETED):
        kept = [role for role in assignment.roles.all() if role.pk in allowed]
        if not kept:
            assignment.status = AssignmentStatus.DELETED
        assignment.roles.set(kept)
        assignment.save()


def remove_global_admin(rel: AdminRelationship, *, actor: User | None, if_match: str | None,
                        ip: str | None = None) -> AdminRelationship:
    """Take Global Administrator out of the roles (and out of every access assignment), which makes
    auto-extend possible. Refused when it is not among them."""
    roles = list(rel.roles.all())
    if not rules.includes_global_administrator(roles):
        raise Conflict(_("Global Administrator is not among the roles of this admin relationship."))
    remaining = [role for role in roles if role.pk != GLOBAL_ADMINISTRATOR_ID]
    if not remaining:
        raise Invalid(_("Global Administrator is the only role: terminate the relationship instead."), field="roles")
    return relationship_update(rel, actor=actor, if_match=if_match, ip=ip, roles=remaining)


def relationship_delete(rel: AdminRelationship, *, actor: User | None, if_match: str | None,
                        ip: str | None = None) -> None:
    """Graph's DELETE: only a `created` relationship (not yet sent for approval); frees its name."""
    with transaction.atomic():
        locked = relationship_lock(rel)
        require(actor, locked.partner, Perm.GDAP_MANAGE)
        rules.etag_check(locked, if_match)
        if locked.status != RelationshipStatus.CREATED:
            raise Conflict(_("Only an admin relationship that was not sent for approval can be deleted."))
        record(locked, GdapEvents.DELETED, actor=actor, ip=ip)
        locked.delete()


def lock_for_approval(rel: AdminRelationship, *, actor: User | None, ip: str | None = None,
                      ) -> tuple[AdminRelationshipRequest, GdapApproval, str]:
    """Graph's lockForApproval: `created` → `approvalPending`, and the approval link for the customer's
    Global admin (valid settings.GDAP_APPROVAL_DAYS). Returns the request, the link and its raw token
    (shown once; its page is links.kinds.link_path("gdap_approval", raw))."""
    with transaction.atomic():
        locked = relationship_lock(rel)
        require(actor, locked.partner, Perm.GDAP_MANAGE)
        if locked.status != RelationshipStatus.CREATED:
            raise Conflict(_("This admin relationship was already sent for approval."))
        locked.status = RelationshipStatus.APPROVAL_PENDING
        locked.save(update_fields=["status"])
        request = AdminRelationshipRequest.objects.create(
            relationship=locked, action=RequestAction.LOCK_FOR_APPROVAL, status=RequestStatus.SUCCEEDED, actor=actor,
            ip_address=ip,
        )
        approval, raw = link_issue(GdapApproval, actor=actor, ip=ip, partner=locked.partner, relationship=locked,
                                   log={"relationship_id": str(locked.pk)})
        record(locked, GdapEvents.APPROVAL_REQUESTED, actor=actor, ip=ip)
    rel.refresh_from_db()
    return request, approval, raw


def request_relationship(
    *, partner: Tenant, actor: User | None, customer: Tenant, display_name: str, roles: list[Any], duration: Any,
    auto_extend: Any = None, template: RoleTemplate | None = None, ip: str | None = None,
) -> tuple[AdminRelationship, str]:
    """The page's "Request admin relationship": create and lock for approval in one transaction (nothing
    half-saved). Returns the relationship (now approvalPending) and the approval link's raw token."""
    with transaction.atomic():
        rel = relationship_create(partner=partner, actor=actor, customer=customer, display_name=display_name,
                                  roles=roles, duration=duration, auto_extend=auto_extend, template=template, ip=ip)
        _request, _approval, raw = lock_for_approval(rel, actor=actor, ip=ip)
    return rel, raw


def relationship_transition(locked: AdminRelationship, *, to: str, kind: str, actor: User | None = None,
                            extend_by: timedelta | None = None, ip: str | None = None, **extra: Any) -> None:
    """For the expiry sweep (caller holds the row lock, e.g. select_for_update(skip_locked=True)): set
    the status (expiring, expired, …), optionally push end_at by `extend_by` (auto-extend), save (the
    ETag changes) and record `kind` in both tenants."""
    locked.status = to
    if extend_by:
        locked.end_at = (locked.end_at or timezone.now()) + extend_by
    if to == RelationshipStatus.EXPIRED:
        AccessAssignment.objects.filter(relationship=locked).exclude(status=AssignmentStatus.DELETED).update(
            status=AssignmentStatus.DELETED, version=F("version") + 1, last_modified_at=timezone.now())
    locked.save()
    record(locked, kind, actor=actor, ip=ip, **extra)
