"""Reads of the Licenses pages, always scoped: the partner sees what it sold to the customer, the customer
(Admin center) sees everything it bought; users are the customer tenant's members."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from licenses import rules
from licenses.models import LicenseAssignment
from partnercenter.errors import NotFound
from partnercenter.models import Membership, Tenant, User
from partnercenter.roles import CUSTOMER_ROLES
from subscriptions.models import Subscription

PAGE_SIZE = 50


@dataclass(frozen=True)
class Seats:
    """A subscription with its seat counts, as the Licenses tables show it."""

    subscription: Subscription
    assigned: int

    @property
    def quantity(self) -> int:
        return self.subscription.quantity

    @property
    def assignable(self) -> bool:
        return rules.is_user_assignable(self.subscription.offer.unit_type)

    @property
    def available(self) -> int:
        return rules.available(quantity=self.quantity, assigned=self.assigned)

    @property
    def in_use(self) -> bool:
        return rules.in_use(self.subscription.status)

    @property
    def may_assign(self) -> bool:
        return self.assignable and self.in_use and self.available > 0

    @property
    def full(self) -> bool:
        return self.assignable and self.available == 0


def _not_found():  # noqa: ANN202
    return _("Not found")


def _seats(qs: QuerySet[Subscription]) -> list[Seats]:
    rows = qs.select_related("offer").annotate(assigned_count=Count("license_assignments")).order_by(
        "offer__product", "offer__name", "created_at")
    return [Seats(row, row.assigned_count) for row in rows]


def seats_of_customer(*, partner: Tenant, customer: Tenant) -> list[Seats]:
    """Licenses → every subscription this partner sold the customer, with purchased and assigned seats."""
    return _seats(Subscription.objects.visible_to(partner).filter(customer=customer))


def seats_of_subscription(*, partner: Tenant, customer: Tenant, subscription_id: object) -> Seats:
    found = _seats(Subscription.objects.visible_to(partner).filter(customer=customer, id=_uuid(subscription_id)))
    if not found:
        raise NotFound(_not_found())
    return found[0]


def seats_of_organisation(*, customer: Tenant) -> list[Seats]:
    """Admin center → Licenses: everything the customer bought, through any partner."""
    return _seats(Subscription.objects.visible_to(customer).select_related("partner"))


def seats_of_organisation_subscription(*, customer: Tenant, subscription_id: object) -> Seats:
    found = _seats(Subscription.objects.visible_to(customer).select_related("partner")
                   .filter(id=_uuid(subscription_id)))
    if not found:
        raise NotFound(_not_found())
    return found[0]


def _uuid(value: object) -> object:
    from uuid import UUID

    try:
        return UUID(str(value))
    except (ValueError, ValidationError) as exc:
        raise NotFound(_not_found()) from exc


def holders(*, tenant: Tenant, subscription: Subscription, search: str = "") -> QuerySet[LicenseAssignment]:
    """Who holds a license of `subscription`, by name then email (`tenant`: the reader, for the scope)."""
    qs = LicenseAssignment.objects.visible_to(tenant).filter(subscription=subscription).select_related(
        "membership__user", "assigned_by")
    term = _term(search)
    if term:
        qs = qs.filter(Q(membership__user__email__icontains=term) | Q(membership__user__first_name__icontains=term)
                       | Q(membership__user__last_name__icontains=term))
    return qs.order_by("membership__user__first_name", "membership__user__last_name", "membership__user__email",
                       "id")


def _term(search: str) -> str:
    return search.replace("\x00", "").strip()[:100]


def customer_users(*, customer: Tenant, search: str = "") -> QuerySet[User]:
    """The customer's users who may hold a license: an active membership with a customer role."""
    qs = User.objects.filter(id__in=Membership.objects.filter(
        tenant=customer, role__in=list(CUSTOMER_ROLES), is_active=True).values("user_id"))
    term = _term(search)
    if term:
        qs = qs.filter(Q(email__icontains=term) | Q(first_name__icontains=term) | Q(last_name__icontains=term))
    return qs.order_by("first_name", "last_name", "email", "id")


def candidates(*, customer: Tenant, subscription: Subscription, search: str = "") -> QuerySet[User]:
    """Assign licenses: the customer's users who hold no license of this subscription yet."""
    held = LicenseAssignment.objects.filter(subscription=subscription).values("membership__user_id")
    return customer_users(customer=customer, search=search).exclude(id__in=held)


def licenses_by_user(*, tenant: Tenant, customer: Tenant, users: list[User]) -> dict[int, list[LicenseAssignment]]:
    """For a page of users: the licenses each holds (of the subscriptions `tenant` may see), in one query."""
    found: dict[int, list[LicenseAssignment]] = {user.pk: [] for user in users}
    rows = (LicenseAssignment.objects.visible_to(tenant)
            .filter(subscription__customer=customer, membership__tenant=customer, membership__user__in=users)
            .select_related("subscription__offer", "membership").order_by("subscription__offer__name", "id"))
    for row in rows:
        found.setdefault(row.membership.user_id, []).append(row)
    return found


def customer_user(*, customer: Tenant, user_id: object) -> User:
    """One user of the customer (any membership, active or not); another tenant's user is NotFound."""
    try:
        user = User.objects.filter(memberships__tenant=customer, memberships__role__in=list(CUSTOMER_ROLES),
                                   pk=int(str(user_id))).distinct().first()
    except ValueError as exc:
        raise NotFound(_not_found()) from exc
    if user is None:
        raise NotFound(_not_found())
    return user


def holding(*, subscription: Subscription, user_id: object) -> LicenseAssignment | None:
    return (LicenseAssignment.objects.filter(subscription=subscription, membership__user_id=user_id)
            .select_related("membership__user").first())
