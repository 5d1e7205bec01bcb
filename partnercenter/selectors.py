"""Reads of the tenancy core, always scoped."""

from __future__ import annotations

import contextvars
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import CharField, F, Func, Q, QuerySet

from partnercenter.csvexport import EXPORT_CHUNK
from partnercenter.domains import email_to_ascii, search_term_to_ascii
from partnercenter.models import ActivityLog, CompanyProfile, CountryRegion, Membership, OutboxEmail, Tenant, User
from partnercenter.roles import NO_PERMISSIONS, Role, permissions_for


@dataclass(frozen=True)
class ActingApp:
    """The API app serving the current request: its registrant (the services' acting user), its partner,
    and the roles and permissions it acts with there (never above the registrant's: api.auth)."""

    user_id: object
    tenant_id: object
    roles: frozenset[str]
    perms: frozenset[str]


# Set by api.auth when a token authenticates, reset when the view's dispatch ends (api.base). While set,
# roles_of and permissions_of answer for the registrant with the app's roles: the services' own checks
# then bound the app as the route's check does, not by its registrant's roles.
acting_app: contextvars.ContextVar[ActingApp | None] = contextvars.ContextVar("acting_app", default=None)


def _acting_app_for(user: object) -> ActingApp | None:
    app = acting_app.get()
    if app is None or user is None or getattr(user, "pk", None) != app.user_id:
        return None
    return app


def roles_of(*, user: User, tenant: Tenant) -> frozenset[str]:
    """The roles the user acts with in the tenant now: its active memberships; while an API app's call
    is served, for its registrant the app's roles in the app's partner and none in any other tenant."""
    app = _acting_app_for(user)
    if app is not None:
        return app.roles if tenant.pk == app.tenant_id else frozenset()
    return frozenset(Membership.objects.filter(user=user, tenant=tenant, is_active=True)
                     .values_list("role", flat=True))


def permissions_of(*, user: User, tenant: Tenant) -> frozenset[str]:
    """What the user may do in the tenant now, from roles_of (services check this)."""
    app = _acting_app_for(user)
    if app is not None:
        return app.perms if tenant.pk == app.tenant_id else NO_PERMISSIONS
    return permissions_for(roles_of(user=user, tenant=tenant), tenant.partner_type)


def memberships_of_user(*, user_id: object) -> QuerySet[Membership]:
    return Membership.objects.filter(user_id=user_id, is_active=True).select_related("tenant")


def deactivated_tenant_of_user(*, user: Any, has_active: bool | None = None) -> Tenant | None:
    """The organisation a user lost access to (the first by name) when they have none left to work in;
    None for operators, for a user with an active membership (`has_active`, when the caller knows it)
    and for one who never had an organisation."""
    if user.is_staff or user.is_superuser:
        return None
    if has_active is None:
        has_active = memberships_of_user(user_id=user.pk).exists()
    if has_active:
        return None
    membership = (Membership.objects.filter(user_id=user.pk, is_active=False).select_related("tenant")
                  .order_by("tenant__name").first())
    return membership.tenant if membership else None


def region_code_for_country(country: str) -> str:
    """The region a country belongs to; a country outside the table is a region of its own."""
    row = CountryRegion.objects.filter(country=country).select_related("region").first()
    return row.region.code if row else f"country-{country}".lower()


def region_codes_for_countries(countries: set[str]) -> dict[str, str]:
    """region_code_for_country for several countries in one query (each of them a key)."""
    found = dict(CountryRegion.objects.filter(country__in=countries).values_list("country", "region__code"))
    return {country: found.get(country) or f"country-{country}".lower() for country in countries}


def region_name_for_country(country: str) -> str:
    """The region's name in the reader's language: the seeded regions are worded by the code, an
    operator's own regions by the name the operator gave them."""
    from django.utils.translation import gettext as _
    from django_countries import countries

    row = CountryRegion.objects.filter(country=country).select_related("region").first()
    if row is None:
        return str(countries.name(country) or country)
    code = row.region.code
    if code == "eu-efta":
        return _("EU/EFTA")
    if len(code) == 2 and countries.name(code.upper()):
        return str(countries.name(code.upper()))
    return row.region.name


def tenant_users_with_roles(*, tenant: Tenant, roles: Iterable[str]) -> QuerySet[User]:
    return _users_with_roles(tenant.pk, list(roles))


def _users_with_roles(tenant_id: Any, roles: list[str]) -> QuerySet[User]:
    return User.objects.filter(
        memberships__tenant_id=tenant_id, memberships__role__in=roles, memberships__is_active=True, is_active=True
    ).distinct()


def tenant_users_in_roles(*, tenant: Tenant, roles: Iterable[str]) -> list[User]:
    """tenant_users_with_roles' users as a list, by a statement compiled once per set of roles
    (partnercenter.sqlcache): for a hot path that only reads them (every acceptance mails the partner's
    Global admins)."""
    from partnercenter.sqlcache import shaped_objects

    wanted = sorted(set(roles))
    return shaped_objects(("users of a tenant in roles", tuple(wanted)),
                          lambda v: _users_with_roles(v["tenant"], wanted), {"tenant": tenant.pk})


def user_is_customer_global_admin(*, user: User, tenant: Tenant) -> bool:
    """Compiled once (partnercenter.sqlcache): every customer's answer to a link or approval asks."""
    from partnercenter.sqlcache import shaped_rows

    def build(v: dict) -> QuerySet:
        return Membership.objects.filter(user_id=v["user"], tenant_id=v["tenant"], role=Role.CUSTOMER_GLOBAL_ADMIN,
                                         is_active=True).values_list("id")[:1]

    return bool(shaped_rows(("customer global admin membership",), build, {"user": user.pk, "tenant": tenant.pk}))


def activity_for_tenant(
    *,
    tenant: Tenant,
    kind: str = "",
    actor: str = "",
    customer: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    before_id: int | None = None,
) -> QuerySet[ActivityLog]:
    qs = ActivityLog.objects.visible_to(tenant).select_related("customer")
    if kind:
        qs = qs.filter(kind=kind)
    if actor:
        # Addresses are shown in Unicode and stored with punycode domains: either form finds them.
        ascii_term = email_to_ascii(actor) if "@" in actor else search_term_to_ascii(actor)
        condition = Q(actor_email__icontains=actor)
        if ascii_term and ascii_term != actor:
            condition |= Q(actor_email__icontains=ascii_term)
        qs = qs.filter(condition)
    if customer:
        qs = qs.filter(customer__name__icontains=customer)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    if before_id:
        qs = qs.filter(id__lt=before_id)
    return qs.order_by("-id")


# datetime.isoformat() of the UTC time Django reads, written by PostgreSQL (parsing each timestamp in
# Python and formatting it again was a tenth of the export): microseconds only when there are some.
_ISO_SECONDS = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS"
_ISOFORMAT_UTC = Func(F("created_at"), output_field=CharField(), template=(
    f"CASE WHEN date_trunc('second', %(expressions)s) = %(expressions)s THEN {_ISO_SECONDS}+00:00')"
    f" ELSE {_ISO_SECONDS}.US+00:00') END"))
ACTIVITY_EXPORT_COLUMNS = ("created_iso", "kind", "actor_email", "actor_client", "customer__name", "data",
                           "ip_address")


def activity_export_rows(*, tenant: Tenant, chunk: int = EXPORT_CHUNK, **filters: Any) -> Iterator[tuple]:
    """The activity log of activity_for_tenant (same filters, newest first) as tuples of
    ACTIVITY_EXPORT_COLUMNS, streamed (partnercenter/dbstream.py): the date as isoformat() text, the
    data decoded from its JSON here (what JSONField does on reading), the IP address as text."""
    from partnercenter.dbstream import stream_values

    # JSONDecoder.raw_decode: json.loads without its checks for whitespace around the document, which
    # PostgreSQL's jsonb text never has (a fifth of the export's time went to decoding the data).
    decode = json.JSONDecoder().raw_decode
    rows = stream_values(activity_for_tenant(tenant=tenant, **filters).annotate(created_iso=_ISOFORMAT_UTC),
                         *ACTIVITY_EXPORT_COLUMNS, size=chunk)
    return ((created, kind, email, client, customer, None if data is None else decode(data)[0], ip)
            for created, kind, email, client, customer, data, ip in rows)


def activity_export_app_names(*, tenant: Tenant, **filters: Any) -> dict[str, str]:
    """client id → name of each API app that acted in the entries activity_export_rows reads (two
    queries, before the stream: no other query can run on its connection while it is read)."""
    from api.selectors import app_names

    return app_names(activity_for_tenant(tenant=tenant, **filters).filter(actor_email="").exclude(actor_client="")
                     .order_by().values_list("actor_client", flat=True).distinct())


def outbox_for_developer() -> QuerySet[OutboxEmail]:
    """Mail the developer outbox may show: never mail to an operator (superuser or staff), whose
    password reset link would hand out the Django admin."""
    from allauth.account.models import EmailAddress
    from django.db.models import Q
    from django.db.models.functions import Lower

    privileged = Q(is_superuser=True) | Q(is_staff=True)
    emails = User.objects.filter(privileged).annotate(address=Lower("email")).values("address")
    addresses = EmailAddress.objects.filter(
        Q(user__is_superuser=True) | Q(user__is_staff=True)).annotate(address=Lower("email")).values("address")
    return (OutboxEmail.objects.annotate(to_lower=Lower("to_email"))
            .exclude(to_lower__in=emails).exclude(to_lower__in=addresses))


def company_profile_of(*, tenant: Tenant) -> CompanyProfile:
    return CompanyProfile.objects.visible_to(tenant).select_related("tenant").get()


def company_profile_shown(*, tenant: Tenant) -> CompanyProfile | None:
    """The partner's profile as its links show it to whoever opens them (None if it has none)."""
    return CompanyProfile.objects.visible_to(tenant).first()


def outbox_email_for_developer(*, email_id: int) -> OutboxEmail | None:
    return outbox_for_developer().filter(id=email_id).first()


def outbox_recent(*, limit: int = 100) -> QuerySet[OutboxEmail]:
    return outbox_for_developer().order_by("-id")[:limit]

