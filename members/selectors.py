"""Reads of the Users pages: the members of a partner tenant, one user's page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef, Q, QuerySet

from partnercenter.errors import NotFound
from partnercenter.models import Membership, Tenant, User
from partnercenter.roles import Role

PAGE_SIZE = 50

STATUS_ACTIVE = "active"
STATUS_DEACTIVATED = "deactivated"
# Pending invitations (members' invitations area) add rows with this status: see member_rows().
STATUS_INVITED = "invited"


@dataclass
class MemberRow:
    user: User | None
    email: str
    name: str
    roles: list[str]
    status: str
    has_mfa: bool = False
    last_login: datetime | None = None
    security_groups: list = field(default_factory=list)

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles]


def members_of_tenant(*, tenant: Tenant, search: str = "") -> QuerySet[User]:
    """Users with any membership (active or not) in `tenant`, by name then email, with has_mfa and is_member_active."""
    users = User.objects.filter(memberships__tenant=tenant).distinct()
    search = search.strip()
    if search:
        users = users.filter(Q(email__icontains=search) | Q(first_name__icontains=search)
                             | Q(last_name__icontains=search))
    return users.annotate(
        has_mfa=Exists(Authenticator.objects.filter(user=OuterRef("pk"))),
        is_member_active=Exists(Membership.objects.filter(user=OuterRef("pk"), tenant=tenant, is_active=True)),
    ).order_by("first_name", "last_name", "email", "pk")


def member_rows(*, tenant: Tenant, users: list[User]) -> list[MemberRow]:
    """The rows of one page of users (accounts only; the pending invitations' rows come from
    members.selectors_invites.invited_rows, in front of the first page)."""
    roles: dict[object, list[str]] = {}
    for membership in Membership.objects.filter(tenant=tenant, user__in=users).order_by("role"):
        roles.setdefault(membership.user_id, []).append(membership.role)
    return [_row(user, roles.get(user.pk, [])) for user in users]


def order_roles(roles: list[str]) -> list[str]:
    from members.rules import ROLE_ORDER

    return sorted(roles, key=lambda r: ROLE_ORDER.index(r) if r in ROLE_ORDER else 99)


def _row(user: User, roles: list[str]) -> MemberRow:
    return MemberRow(
        user=user, email=user.email, name=user.get_full_name(), roles=order_roles(roles),
        status=STATUS_ACTIVE if getattr(user, "is_member_active", True) else STATUS_DEACTIVATED,
        has_mfa=getattr(user, "has_mfa", False), last_login=user.last_login,
    )


def member_of_tenant(*, tenant: Tenant, user_id: object) -> MemberRow:
    """One member's row with their security groups in this tenant; a user of another tenant is NotFound."""
    from gdap.models import SecurityGroupMember

    user = members_of_tenant(tenant=tenant).filter(pk=user_id).first()
    if user is None:
        raise NotFound(_not_found())
    roles = list(Membership.objects.filter(tenant=tenant, user=user).values_list("role", flat=True))
    row = _row(user, roles)
    row.security_groups = [m.group for m in SecurityGroupMember.objects.filter(
        user=user, group__partner=tenant).select_related("group").order_by("group__name")]
    return row


def security_groups_to_join(*, tenant: Tenant, user: User) -> QuerySet:
    """The partner's security groups `user` is not a member of, by name (the user's page offers them)."""
    from gdap.models import SecurityGroup

    return SecurityGroup.objects.visible_to(tenant).exclude(memberships__user=user).order_by("name")


def active_global_admins_except(*, tenant: Tenant, user_id: object) -> int:
    return (Membership.objects.filter(tenant=tenant, role=Role.GLOBAL_ADMIN, is_active=True, user__is_active=True)
            .exclude(user_id=user_id).count())


def _not_found():  # noqa: ANN202
    from django.utils.translation import gettext_lazy as _

    return _("No such user in your organisation.")
