"""The partner's security groups (members are partner users) and role templates; Global admins manage
both (Perm.SECURITY_GROUPS_MANAGE, Perm.ROLE_TEMPLATES_MANAGE). Names are unique per partner ignoring case."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from gdap import rules
from gdap.events import SecurityGroupEvents
from gdap.models import AssignmentStatus, RoleTemplate, RoleTemplateAssignment, SecurityGroup, SecurityGroupMember
from gdap.services.common import require
from partnercenter.errors import Code, Conflict, Invalid, NotFound
from partnercenter.events import event_record
from partnercenter.models import Membership, Tenant, User
from partnercenter.roles import Perm
from partnercenter.services import outbox_email_create

NAME_MAX = 120


def _name(value: str, *, max_length: int) -> str:
    name = (value or "").strip()
    if not name:
        raise Invalid(_("Enter a name."), field="name")
    if len(name) > max_length:
        raise Invalid(_("The name can have at most %(max)d characters."), field="name", params={"max": max_length})
    return name


def _taken(name: str) -> Conflict:
    return Conflict(_("The name “%(name)s” is already used."), field="name", params={"name": name})


def _log(tenant: Tenant, kind: str, actor: User | None, **data: Any) -> None:
    event_record(tenant=tenant, kind=kind, actor=actor, data=data)


def group_create(*, partner: Tenant, actor: User | None, name: str, description: str = "") -> SecurityGroup:
    require(actor, partner, Perm.SECURITY_GROUPS_MANAGE)
    name = _name(name, max_length=NAME_MAX)
    if SecurityGroup.objects.filter(partner=partner, name__iexact=name).exists():
        raise _taken(name)
    try:
        with transaction.atomic():
            group = SecurityGroup.objects.create(partner=partner, name=name, description=(description or "").strip(),
                                                 created_by=actor)
            _log(partner, SecurityGroupEvents.GROUP_CREATED, actor, group=name, group_id=str(group.pk))
    except IntegrityError:
        raise _taken(name) from None
    return group


def group_update(group: SecurityGroup, *, actor: User | None, name: str, description: str = "") -> SecurityGroup:
    require(actor, group.partner, Perm.SECURITY_GROUPS_MANAGE)
    name = _name(name, max_length=NAME_MAX)
    if SecurityGroup.objects.filter(partner_id=group.partner_id, name__iexact=name).exclude(pk=group.pk).exists():
        raise _taken(name)
    try:
        with transaction.atomic():
            group.name, group.description = name, (description or "").strip()
            group.save(update_fields=["name", "description"])
            _log(group.partner, SecurityGroupEvents.GROUP_UPDATED, actor, group=name, group_id=str(group.pk))
    except IntegrityError:
        raise _taken(name) from None
    return group


def group_delete(group: SecurityGroup, *, actor: User | None) -> None:
    """Refused while the group holds roles in a relationship (remove those assignments first); its
    lines in role templates go with it."""
    require(actor, group.partner, Perm.SECURITY_GROUPS_MANAGE)
    with transaction.atomic():
        held = group.assignments.exclude(status=AssignmentStatus.DELETED).count()
        if held:
            raise Conflict(_("This security group has roles in %(count)d admin relationships: remove it from them "
                             "first."), code=Code.BLOCKED, params={"count": held})
        _log(group.partner, SecurityGroupEvents.GROUP_DELETED, actor, group=group.name, group_id=str(group.pk))
        group.delete()


def _member_mail(group: SecurityGroup, user: User, template: str) -> None:
    """The changed user is told, in their language, whichever page the change was made from."""
    language = user.language if user.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    outbox_email_create(to_email=user.email, template=template, language=language, tenant=group.partner,
                        context={"user": user, "group": group, "tenant": group.partner,
                                 "users_url": f"{settings.SITE_URL}/users/{user.pk}/"})


def member_add(group: SecurityGroup, *, actor: User | None, user: User) -> SecurityGroupMember:
    """Add a user of the partner (an active membership); adding a member twice changes nothing."""
    require(actor, group.partner, Perm.SECURITY_GROUPS_MANAGE)
    if user is None or not Membership.objects.filter(user=user, tenant_id=group.partner_id, is_active=True).exists():
        raise Invalid(_("Choose a user of your organisation."), field="user")
    with transaction.atomic():
        member, created = SecurityGroupMember.objects.get_or_create(group=group, user=user,
                                                                    defaults={"added_by": actor})
        if created:
            _log(group.partner, SecurityGroupEvents.MEMBER_ADDED, actor, group=group.name, email=user.email,
                 group_id=str(group.pk))
            _member_mail(group, user, "security_group_member_added")
    return member


def member_remove(group: SecurityGroup, *, actor: User | None, user: User) -> None:
    require(actor, group.partner, Perm.SECURITY_GROUPS_MANAGE)
    with transaction.atomic():
        if SecurityGroupMember.objects.filter(group=group, user=user).delete()[0]:
            _log(group.partner, SecurityGroupEvents.MEMBER_REMOVED, actor, group=group.name, email=user.email,
                 group_id=str(group.pk))
            _member_mail(group, user, "security_group_member_removed")


def template_save(*, partner: Tenant, actor: User | None, name: str, roles: list[Any], duration: Any,
                  auto_extend: Any = None, description: str = "", assignments: list[tuple[SecurityGroup, list[Any]]] = (),
                  template: RoleTemplate | None = None) -> RoleTemplate:
    """Create (template=None) or replace a role template: the relationship rules for roles, duration and
    auto-extend, and each (security group of the partner, roles ⊆ the template's) line, field "assignments"."""
    require(actor, partner, Perm.ROLE_TEMPLATES_MANAGE)
    if template is not None and template.partner_id != partner.pk:
        raise NotFound(_("Not found"))
    name = _name(name, max_length=100)
    role_rows = rules.roles_clean(roles)
    length = rules.duration_parse(duration)
    extend = rules.auto_extend_parse(auto_extend)
    rules.auto_extend_check(roles=role_rows, auto_extend=extend)
    lines = []
    for group, line_roles in assignments:
        if group is None or group.partner_id != partner.pk:
            raise NotFound(_("Not found"), field="assignments")
        line_rows = rules.roles_clean(line_roles, field="assignments")
        rules.roles_subset_check(line_rows, role_rows, field="assignments")
        lines.append((group, line_rows))
    if len({group.pk for group, _r in lines}) != len(lines):
        raise Invalid(_("Each security group can appear once."), field="assignments")
    taken = RoleTemplate.objects.filter(partner=partner, name__iexact=name)
    if (taken.exclude(pk=template.pk) if template else taken).exists():
        raise _taken(name)
    try:
        with transaction.atomic():
            if template is None:
                template = RoleTemplate(partner=partner, created_by=actor)
                kind = SecurityGroupEvents.TEMPLATE_CREATED
            else:
                kind = SecurityGroupEvents.TEMPLATE_UPDATED
            template.name, template.description = name, (description or "").strip()
            template.duration, template.auto_extend_duration = length, extend
            template.save()
            template.roles.set(role_rows)
            template.assignments.all().delete()
            for group, line_rows in lines:
                RoleTemplateAssignment.objects.create(template=template, security_group=group).roles.set(line_rows)
            _log(partner, kind, actor, template=name, template_id=str(template.pk))
    except IntegrityError:
        raise _taken(name) from None
    return template


def template_delete(template: RoleTemplate, *, actor: User | None) -> None:
    """Relationships requested from it keep their values (their `template` becomes empty)."""
    require(actor, template.partner, Perm.ROLE_TEMPLATES_MANAGE)
    with transaction.atomic():
        _log(template.partner, SecurityGroupEvents.TEMPLATE_DELETED, actor, template=template.name,
             template_id=str(template.pk))
        template.delete()
