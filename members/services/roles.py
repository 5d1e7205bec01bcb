"""Changing a partner user's roles, deactivating and reactivating them (F11). The rules are members.rules;
each change writes its activity entry and mails the changed user in their language."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation

from members import rules
from members.events import MemberEvents
from partnercenter.errors import Conflict, NotFound
from partnercenter.events import event_record
from partnercenter.models import Membership, Tenant, User
from partnercenter.roles import Role
from partnercenter.services import outbox_email_create


def _lock(tenant: Tenant, user_id: object) -> tuple[User, list[Membership]]:
    """Lock the tenant (one change of its members at a time: the last-Global-admin rule holds) and the
    user's memberships in it."""
    Tenant.objects.select_for_update().get(pk=tenant.pk)
    memberships = list(Membership.objects.select_for_update().filter(tenant=tenant, user_id=user_id)
                       .select_related("user"))
    if not memberships:
        from members.selectors import _not_found

        raise NotFound(_not_found())
    return memberships[0].user, memberships


def _others(tenant: Tenant, user_id: object) -> int:
    from members.selectors import active_global_admins_except

    return active_global_admins_except(tenant=tenant, user_id=user_id)


def _labels(roles: list[str]) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return ", ".join(str(Role(role).label) for role in sorted(roles, key=rules.ROLE_ORDER.index))


def _mail(user: User, tenant: Tenant, template: str, context: dict) -> None:
    language = user.language if user.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    outbox_email_create(to_email=user.email, template=template, language=language, tenant=tenant,
                        context={"user": user, "tenant": tenant, "users_url": f"{settings.SITE_URL}/users/",
                                 "role_labels": [Role(r).label for r in context.get("roles", [])], **context})


def member_roles_set(*, tenant: Tenant, actor: User, actor_roles: frozenset[str], user_id: object,
                     roles: list[str], ip: str | None = None) -> bool:
    """Give the user exactly `roles` in `tenant`. Returns False when nothing changed."""
    wanted = set(roles)
    with transaction.atomic():
        user, memberships = _lock(tenant, user_id)
        if not any(m.is_active for m in memberships):
            from django.utils.translation import gettext_lazy as _

            raise Conflict(_("Reactivate the user before changing their roles."), field="roles")
        current = {m.role for m in memberships}
        rules.check_roles_change(actor_roles=actor_roles, current=current, wanted=wanted,
                                 other_active_global_admins=_others(tenant, user.pk))
        if wanted == current:
            return False
        Membership.objects.filter(tenant=tenant, user=user, role__in=current - wanted).delete()
        Membership.objects.bulk_create([Membership(tenant=tenant, user=user, role=role)
                                        for role in wanted - current])
        ordered = sorted(wanted, key=rules.ROLE_ORDER.index)
        event_record(tenant=tenant, kind=MemberEvents.ROLES_CHANGED, actor=actor, ip=ip, data={
            "email": user.email, "roles": _labels(ordered), "added": sorted(wanted - current),
            "removed": sorted(current - wanted)})
        _mail(user, tenant, "member_roles_changed", {"roles": ordered})
    return True


def member_deactivate(*, tenant: Tenant, actor: User, actor_roles: frozenset[str], user_id: object,
                      ip: str | None = None) -> None:
    """Every membership of the user in `tenant` inactive: their next request has no access to it
    (partnercenter.selectors.memberships_of_user reads active memberships only)."""
    with transaction.atomic():
        user, memberships = _lock(tenant, user_id)
        if not any(m.is_active for m in memberships):
            return
        rules.check_deactivate(actor_id=actor.pk, actor_roles=actor_roles, target_id=user.pk,
                               target_roles={m.role for m in memberships},
                               other_active_global_admins=_others(tenant, user.pk))
        Membership.objects.filter(tenant=tenant, user=user).update(is_active=False)
        event_record(tenant=tenant, kind=MemberEvents.DEACTIVATED, actor=actor, ip=ip, data={"email": user.email})
        _mail(user, tenant, "member_deactivated", {})


def member_reactivate(*, tenant: Tenant, actor: User, actor_roles: frozenset[str], user_id: object,
                      ip: str | None = None) -> None:
    with transaction.atomic():
        user, memberships = _lock(tenant, user_id)
        if all(m.is_active for m in memberships):
            return
        rules.check_reactivate(actor_roles=actor_roles, target_roles={m.role for m in memberships})
        Membership.objects.filter(tenant=tenant, user=user).update(is_active=True)
        event_record(tenant=tenant, kind=MemberEvents.REACTIVATED, actor=actor, ip=ip, data={"email": user.email})
        _mail(user, tenant, "member_reactivated", {"roles": sorted({m.role for m in memberships},
                                                                    key=rules.ROLE_ORDER.index)})
