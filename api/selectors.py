"""Reads of API apps, scoped to their partner: the API access list, one app (another partner's id is a
404), app names for the activity log, and what the api_client_create command looks up."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, OuterRef
from django.http import Http404

from api.models import ApiApp
from partnercenter.models import Membership, Tenant, TenantKind, User
from partnercenter.roles import Role

APPS_PAGE_SIZE = 50


def _registrant_active() -> Exists:
    return Exists(Membership.objects.filter(user_id=OuterRef("created_by_id"), tenant_id=OuterRef("partner_id"),
                                            is_active=True, user__is_active=True))


def apps_page(*, partner: Tenant, number: object = 1, per_page: int = 0) -> Page:
    """A page of the partner's apps, active ones first, then by name; each with `registrant_active`
    (False: stopped, its registrant was deactivated)."""
    qs = (ApiApp.objects.filter(partner=partner).select_related("application", "created_by")
          .annotate(registrant_active=_registrant_active())
          .order_by(F("revoked_at").asc(nulls_first=True), "name", "created_at", "id"))
    return Paginator(qs, per_page or APPS_PAGE_SIZE).get_page(number)


def app_for_partner(*, partner: Tenant, app_id: object) -> ApiApp:
    """The partner's own app; another partner's id (or none) is a 404."""
    app = (ApiApp.objects.filter(partner=partner, pk=app_id).select_related("application", "created_by", "partner")
           .annotate(registrant_active=_registrant_active()).first())
    if app is None:
        raise Http404
    return app


def app_names_registered_by(*, partner: Tenant, user: User) -> list[str]:
    """The names of the partner's unrevoked apps the user registered (they stop while the user is deactivated)."""
    return list(ApiApp.objects.filter(partner=partner, created_by=user, revoked_at__isnull=True)
                .order_by("name").values_list("name", flat=True))


def app_names(client_ids: Iterable[str]) -> dict[str, str]:
    """client id → app name, in one query (the activity log names the app that acted)."""
    wanted = {client_id for client_id in client_ids if client_id}
    if not wanted:
        return {}
    return dict(ApiApp.objects.filter(application__client_id__in=wanted)
                .values_list("application__client_id", "name"))


def partner_by_mpn_id(mpn_id: str) -> Tenant | None:
    return Tenant.objects.filter(kind=TenantKind.PARTNER, mpn_id=mpn_id.strip()).first()


def registrant_for(*, partner: Tenant, email: str = "") -> User | None:
    """An active user of the partner by address; without one, its first active Global admin."""
    users = User.objects.filter(is_active=True, memberships__tenant=partner, memberships__is_active=True)
    if email:
        from partnercenter.domains import email_to_ascii

        return users.filter(email__iexact=email_to_ascii(email.strip())).first()
    return (users.filter(memberships__role=Role.GLOBAL_ADMIN).order_by("memberships__id").first())
