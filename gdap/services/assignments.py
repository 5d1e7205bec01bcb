"""Access assignments: a security group of the partner gets a subset of an active relationship's roles.

The portal has no external directory to propagate to, so a change takes effect at once: a new assignment
is `active`, an update is recorded as a succeeded delegatedAdminAccessAssignmentUpdate operation (the
API answers 202 with it), a deletion ends `deleted`."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from gdap import rules
from gdap.events import GdapEvents
from gdap.models import (
    AccessAssignment,
    AccessAssignmentOperation,
    AdminRelationship,
    AssignmentStatus,
    OperationStatus,
    SecurityGroup,
)
from gdap.services.common import record, relationship_lock, require
from partnercenter.errors import Conflict, NotFound
from partnercenter.models import User
from partnercenter.roles import Perm


def _exists(group: SecurityGroup) -> Conflict:
    return Conflict(_("Security group %(group)s already has roles in this admin relationship: edit them instead."),
                    field="security_group", params={"group": group.name})


def _live_check(rel: AdminRelationship) -> None:
    if not rel.is_live:
        raise Conflict(_("Security groups can be given roles only while the admin relationship is active."))


def assignment_create(rel: AdminRelationship, *, actor: User | None, security_group: SecurityGroup,
                      roles: list[Any], ip: str | None = None) -> AccessAssignment:
    """"Add security group": roles ⊆ the relationship's, one non-deleted assignment per group."""
    with transaction.atomic():
        locked = relationship_lock(rel)
        require(actor, locked.partner, Perm.GDAP_MANAGE)
        _live_check(locked)
        if security_group is None or security_group.partner_id != locked.partner_id:
            raise NotFound(_("Not found"), field="security_group")
        role_rows = rules.roles_clean(roles, active_only=False)
        rules.roles_subset_check(role_rows, locked.roles.all())
        if AccessAssignment.objects.filter(relationship=locked, security_group=security_group).exclude(
                status=AssignmentStatus.DELETED).exists():
            raise _exists(security_group)
        try:
            with transaction.atomic():
                assignment = AccessAssignment.objects.create(relationship=locked, security_group=security_group,
                                                             status=AssignmentStatus.ACTIVE, created_by=actor)
        except IntegrityError:
            raise _exists(security_group) from None
        assignment.roles.set(role_rows)
        record(locked, GdapEvents.ASSIGNMENT_CREATED, actor=actor, ip=ip, group=security_group.name,
               assignment_id=str(assignment.pk))
    return assignment


def _assignment_lock(assignment: AccessAssignment) -> tuple[AdminRelationship, AccessAssignment]:
    rel = relationship_lock(assignment.relationship_id)
    locked = AccessAssignment.objects.select_for_update(of=("self",)).select_related("security_group").get(
        pk=assignment.pk)
    return rel, locked


def assignment_update(assignment: AccessAssignment, *, actor: User | None, if_match: str | None, roles: list[Any],
                      ip: str | None = None) -> tuple[AccessAssignment, AccessAssignmentOperation | None]:
    """Edit the roles (If-Match). Returns the assignment and the operation, or None when nothing changed
    (Graph answers 200 then, 202 with the operation otherwise)."""
    with transaction.atomic():
        rel, locked = _assignment_lock(assignment)
        require(actor, rel.partner, Perm.GDAP_MANAGE)
        rules.etag_check(locked, if_match)
        if locked.status in (AssignmentStatus.DELETING, AssignmentStatus.DELETED):
            raise Conflict(_("This security group was removed from the admin relationship."))
        _live_check(rel)
        role_rows = rules.roles_clean(roles, active_only=False)
        rules.roles_subset_check(role_rows, rel.roles.all())
        if {r.pk for r in role_rows} == set(locked.roles.values_list("pk", flat=True)):
            return locked, None
        locked.roles.set(role_rows)
        locked.status = AssignmentStatus.ACTIVE
        locked.save()
        operation = AccessAssignmentOperation.objects.create(
            relationship=rel, assignment=locked, status=OperationStatus.SUCCEEDED,
            data={"accessDetails": {"unifiedRoles": [{"roleDefinitionId": str(r.pk)} for r in role_rows]}},
        )
        record(rel, GdapEvents.ASSIGNMENT_UPDATED, actor=actor, ip=ip, group=locked.security_group.name,
               assignment_id=str(locked.pk))
    return locked, operation


def assignment_delete(assignment: AccessAssignment, *, actor: User | None, if_match: str | None,
                      ip: str | None = None) -> AccessAssignment:
    """Remove the group from the relationship (If-Match): `deleted`, its members lose the access at once."""
    with transaction.atomic():
        rel, locked = _assignment_lock(assignment)
        require(actor, rel.partner, Perm.GDAP_MANAGE)
        rules.etag_check(locked, if_match)
        if locked.status == AssignmentStatus.DELETED:
            raise Conflict(_("This security group was removed from the admin relationship."))
        locked.status = AssignmentStatus.DELETED
        locked.save()
        record(rel, GdapEvents.ASSIGNMENT_DELETED, actor=actor, ip=ip, group=locked.security_group.name,
               assignment_id=str(locked.pk))
    return locked


def template_apply(rel: AdminRelationship, *, actor: User | None = None) -> list[AccessAssignment]:
    """On approval (the relationship locked and live): create the template's assignments. Each line gets
    its roles that the relationship holds (a line left with none is skipped); a group that already has an
    assignment is left alone, so applying twice creates nothing new."""
    if rel.template_id is None:
        return []
    held = {role.pk for role in rel.roles.all()}
    created = []
    lines = rel.template.assignments.select_related("security_group").prefetch_related("roles")
    for line in lines:
        if line.security_group.partner_id != rel.partner_id:
            continue
        roles = [role for role in line.roles.all() if role.pk in held]
        if not roles or AccessAssignment.objects.filter(relationship=rel, security_group=line.security_group).exclude(
                status=AssignmentStatus.DELETED).exists():
            continue
        assignment = AccessAssignment.objects.create(relationship=rel, security_group=line.security_group,
                                                     status=AssignmentStatus.ACTIVE, created_by=actor)
        assignment.roles.set(roles)
        record(rel, GdapEvents.ASSIGNMENT_CREATED, actor=actor, group=line.security_group.name,
               assignment_id=str(assignment.pk), template=rel.template.name)
        created.append(assignment)
    return created
