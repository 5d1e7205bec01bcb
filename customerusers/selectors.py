"""Reads of a customer's users, always inside one customer tenant (the caller resolved it as the partner's
customer: support.onbehalf / the services)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from customerusers.models import CustomerDomain
from customerusers.rules import ROLES
from partnercenter.domains import email_to_ascii, search_term_to_ascii
from partnercenter.errors import NotFound
from partnercenter.models import Membership, Tenant, User
from partnercenter.roles import Role

PAGE_SIZE = 50


@dataclass
class CustomerUserRow:
    user: User
    roles: set[str]
    blocked: bool

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def name(self) -> str:
        return self.user.get_full_name()

    @property
    def role(self) -> str:
        return Role.CUSTOMER_GLOBAL_ADMIN if Role.CUSTOMER_GLOBAL_ADMIN in self.roles else Role.CUSTOMER_USER

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)

    @property
    def is_global_admin(self) -> bool:
        return Role.CUSTOMER_GLOBAL_ADMIN in self.roles


def customer_domains(*, customer: Tenant) -> list[str]:
    """The domains a user name of this customer may end in (punycode): the primary domain first."""
    extra = CustomerDomain.objects.visible_to(customer).values_list("name", flat=True)
    return [customer.primary_domain, *sorted(extra)]


def _members(customer: Tenant) -> QuerySet[User]:
    return User.objects.filter(memberships__tenant=customer, memberships__role__in=list(ROLES)).distinct()


def customer_users(*, customer: Tenant, search: str = "") -> QuerySet[User]:
    """The customer's users (signed-in or blocked) by name then user name, with `sign_in_allowed`."""
    users = _members(customer)
    search = search.strip()
    if search:
        condition = Q(email__icontains=search) | Q(first_name__icontains=search) | Q(last_name__icontains=search)
        ascii_term = email_to_ascii(search) if "@" in search else search_term_to_ascii(search)
        if ascii_term and ascii_term != search:  # user names are stored with punycode domains
            condition |= Q(email__icontains=ascii_term)
        users = users.filter(condition)
    return users.annotate(
        sign_in_allowed=Exists(Membership.objects.filter(user=OuterRef("pk"), tenant=customer, is_active=True)),
    ).order_by("first_name", "last_name", "email", "pk")


def customer_user_rows(*, customer: Tenant, users: list[User]) -> list[CustomerUserRow]:
    """The rows of one page (one query for their roles)."""
    roles: dict[object, set[str]] = {}
    for user_id, role in Membership.objects.filter(tenant=customer, user__in=users).values_list("user_id", "role"):
        roles.setdefault(user_id, set()).add(role)
    return [CustomerUserRow(user, roles.get(user.pk, set()), not (user.sign_in_allowed and user.is_active))
            for user in users]


def customer_user(*, customer: Tenant, user_id: object) -> CustomerUserRow:
    """One user of the customer; a user of another tenant (or none) is NotFound."""
    try:
        user = customer_users(customer=customer).filter(pk=user_id).first()
    except (ValueError, TypeError):
        user = None
    if user is None:
        raise NotFound(not_found_message())
    return customer_user_rows(customer=customer, users=[user])[0]


def active_global_admins_except(*, customer: Tenant, user_id: object) -> int:
    return (Membership.objects.filter(tenant=customer, role=Role.CUSTOMER_GLOBAL_ADMIN, is_active=True,
                                      user__is_active=True).exclude(user_id=user_id)
            .values("user_id").distinct().count())


def global_admins(*, customer: Tenant, exclude_user_id: object = None) -> list[User]:
    """The customer's Global admins who can sign in (the recipients of its notices)."""
    return list(User.objects.filter(memberships__tenant=customer, memberships__role=Role.CUSTOMER_GLOBAL_ADMIN,
                                    memberships__is_active=True, is_active=True)
                .exclude(pk=exclude_user_id).distinct().order_by("email"))


def address_taken(*, address: str) -> bool:
    """Whether an account with this address exists anywhere (User.email is unique; case does not count)."""
    return User.objects.filter(email__iexact=address).exists()


def has_other_tenants(*, user: User, customer: Tenant) -> bool:
    return Membership.objects.filter(user=user).exclude(tenant=customer).exists()


def not_found_message():  # noqa: ANN201
    from django.utils.translation import gettext_lazy as _

    return _("No such user at this customer.")
