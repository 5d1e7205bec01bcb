"""Every URL pattern is classified; every tenant-object route is a 404 to another tenant (GET and POST)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, include, path

from customers.models import ResellerRelationship
from customers.services import reseller_relationship_ensure
from gdap import services as gdap_services
from gdap.models import RelationshipStatus as GdapStatus
from gdap.models import RoleTemplate, SecurityGroup, SecurityGroupMember
from invitations import services as invitation_services
from invitations.models import Acceptance, RelationshipRequest
from partnercenter.models import ActivityLog, OutboxEmail, PartnerType, TenantKind
from partnercenter.permissions import tenant_view
from partnercenter.roles import PARTNER_ROLES, Perm, Role, permissions_for
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member
from tests.gdap_list_support import relationship

# Routes without tenant_view: reachable signed out (token links, health, language, the loopback-only
# dev outbox) or by any signed-in user. Every other route must declare its permission with tenant_view.
PUBLIC = {
    "partnerships/<str:token>/",
    "healthz", "language/", "admin-center/partner-request/<str:token>/",
    "admin-center/partner-request/<str:token>/accept/", "admin-center/partner-request/<str:token>/decline/",
    "gdap/approval/<str:token>/", "gdap/approval/<str:token>/approve/", "gdap/approval/<str:token>/reject/",
    "dev/outbox/", "dev/outbox/<int:email_id>/",
    "users/invitation/<str:token>/", "users/invitation/<str:token>/signup/",
    # Programs: the OAuth2 token endpoint (client credentials) and the API's JSON 404 for unknown paths.
    "oauth2/token/", "^v1/", "^v1\\.0/",
    # The OpenAPI document of the API and its reference page (api.rest.schema).
    "v1/openapi.json", "v1/reference/",
    "^webhooks/v1/",
    # The public Indirect providers directory and its published logos (issue 13 §2).
    "directory/", "directory/<int:listing_id>/logo/",
    # An advisor offer's URL (F12): the customer's page and its "Accept" (the link decides, as for F4).
    "admin-center/offer/<str:token>/", "admin-center/offer/<str:token>/accept/",
}
SIGNED_IN = {"", "switch-tenant/"}
# Third-party route trees with their own access rules: allauth (sign-in, MFA) and Django admin (staff).
DELEGATED_PREFIXES = ("accounts/", "django-admin/")


@dataclass(frozen=True)
class Guard:
    route: str
    perms: dict[str, str]  # method → permission, as tenant_view declared it
    kind: str

    @property
    def has_params(self) -> bool:
        return "<" in self.route


def _patterns(patterns: list, prefix: str = "") -> Iterator[tuple[str, object]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def api_view_class(callback: object) -> type | None:
    """The API view (api.base.ApiView) a route serves, if it is one: guarded by its token, scope
    (`api_area`) and role permission per method (`api_perms`), not by tenant_view."""
    from api.base import ApiView

    view_class = getattr(callback, "cls", None)
    return view_class if isinstance(view_class, type) and issubclass(view_class, ApiView) else None


def sweep(patterns: list, *, public: set[str] = PUBLIC, signed_in: set[str] = SIGNED_IN,
          delegated: tuple[str, ...] = DELEGATED_PREFIXES) -> tuple[list[Guard], list[str]]:
    """The guarded routes of a URLconf, and its problems: a route that declares no permission and is not
    listed, a listed route that also declares one, a listed route that no longer exists, an API view
    that names no scope area or no permission."""
    guards: list[Guard] = []
    problems: list[str] = []
    seen: set[str] = set()
    for route, callback in _patterns(patterns):
        seen.add(route)
        if route.startswith(delegated):
            continue
        api_view = api_view_class(callback)
        if api_view is not None:
            if not api_view.api_area or not api_view.api_perms:
                problems.append(f"unguarded: API route {route!r} names no api_area or api_perms")
            API_ROUTES.append(route)
            continue
        perms = getattr(callback, "required_perms", None)
        listed = route in public or route in signed_in
        if perms is None and not listed:
            problems.append(f"unguarded: {route!r} declares no permission (tenant_view) and is not listed public")
        elif perms is not None and listed:
            problems.append(f"ambiguous: {route!r} is listed public but declares {perms}")
        elif perms is not None:
            guards.append(Guard(route, dict(perms), callback.tenant_kind))
    problems += [f"stale: {route!r} is listed but not routed" for route in sorted((public | signed_in) - seen)]
    return guards, problems


# The API's routes (api.base.ApiView): checked across tenants in the API's own tests (tests/test_api_*.py).
API_ROUTES: list[str] = []
GUARDS, PROBLEMS = sweep(get_resolver().url_patterns)
TENANT_OBJECT = {g.route for g in GUARDS if g.has_params}
# Checked across tenants in tests/test_partnerships.py::test_pages_and_cross_tenant.
PARTNERSHIP_ROUTES = {r for r in TENANT_OBJECT if r.startswith(("resellers/", "providers/"))}
# Checked across tenants in tests/test_admin_center_dap.py::test_another_tenants_partner_id_is_404.
ADMIN_CENTER_PARTNER_ROUTES = {r for r in TENANT_OBJECT if r.startswith("admin-center/partners/")}
# Checked across tenants in tests/test_gdap_customer_admin_center.py::test_another_customers_ids_are_404.
GDAP_CUSTOMER_ROUTES = {r for r in TENANT_OBJECT if r.startswith("gdap/admin-center/")}
# Checked across tenants in tests/test_gdap_partner_pages.py::test_another_tenants_ids_are_404_everywhere.
GDAP_PARTNER_ROUTES = {r for r in TENANT_OBJECT if r.startswith(("gdap/customers/", "gdap/relationships/",
                                                                   "gdap/assignments/"))}
# A partner user's pages: checked across tenants in
# tests/test_members_users.py::test_another_tenants_user_is_404_everywhere (their security groups in
# tests/test_members_groups.py::test_another_partners_user_or_group_is_404_on_every_route).
MEMBER_USER_ROUTES = {r for r in TENANT_OBJECT if r.startswith("users/<int:user_id>/")}
# Checked across tenants in tests/test_members_invites.py::test_another_tenants_invitation_is_404.
MEMBER_INVITATION_ROUTES = {r for r in TENANT_OBJECT if r.startswith("users/invitations/")}
# A customer's users (F13): checked across tenants in
# tests/test_customerusers.py::test_every_route_is_404_for_another_partners_customer_and_another_customers_user.
CUSTOMER_USER_ROUTES = {r for r in TENANT_OBJECT if r.startswith("customers/<uuid:customer_id>/users/")}
# Checked across tenants (partner and Admin center side) in
# tests/test_servicerequests_pages.py::test_another_tenants_service_request_is_404_everywhere.
SERVICE_REQUEST_ROUTES = {r for r in TENANT_OBJECT if "service-requests/" in r}
# Checked across tenants in tests/test_licenses_pages.py::test_every_licenses_route_is_404_across_tenants.
LICENSE_ROUTES = {r for r in TENANT_OBJECT if r.startswith(("customers/<uuid:customer_id>/licenses/",
                                                            "admin-center/licenses/"))}
# Checked across tenants in tests/test_api_access_pages.py::test_another_partners_app_is_404_on_every_route_and_nothing_changes.
API_ACCESS_ROUTES = {r for r in TENANT_OBJECT if r.startswith("api-access/apps/")}
# Checked across tenants in tests/test_webhooks_pages.py::test_another_partners_registration_and_event_are_404_on_every_route.
WEBHOOK_ROUTES = {r for r in TENANT_OBJECT if r.startswith("api-access/webhooks/")}
# Advisor offers (F12), partner and Admin center side: checked across tenants in
# tests/test_offers_pages.py::test_another_tenants_offer_or_acceptance_is_404_on_every_route.
OFFER_ROUTES = {r for r in TENANT_OBJECT if r.startswith(("advisor-offers/", "admin-center/offer-acceptances/"))}


def order_for(partner, actor, customer):  # noqa: ANN001, ANN201
    """An agreement and an order of 3 × mail-basic for a customer of `partner` (relationship exists)."""
    from subscriptions.models import Offer
    from subscriptions.services import Line, customer_agreement_record, order_place

    customer_agreement_record(partner=partner, customer=customer, actor=actor, signer_name="Eva",
                              signer_email="eva@example.com", accepted_on=date(2026, 1, 5))
    order, _created = order_place(partner=partner, customer=customer, actor=actor, idempotency_key=f"k{customer.pk}",
                                  lines=[Line(offer_id=Offer.objects.get(sku="mail-basic").id, quantity=3)])
    return order


def test_every_route_declares_a_permission_or_is_listed_public():
    assert PROBLEMS == []
    assert len(GUARDS) > 40 and {g.kind for g in GUARDS} == {TenantKind.PARTNER, TenantKind.CUSTOMER}


def _page(request):  # noqa: ANN001, ANN202
    return HttpResponse("")


def test_the_sweep_reports_a_new_route_that_declares_nothing():
    guarded = tenant_view(Perm.CUSTOMERS_VIEW)(_page)
    urlconf = [
        path("listed/", _page),
        path("guarded/<int:pk>/", guarded),
        path("nested/", include([path("forgotten/", _page)])),
        path("accounts/login/", _page),
    ]
    guards, problems = sweep(urlconf, public={"listed/"}, signed_in=set(), delegated=("accounts/",))
    assert [(g.route, g.perms["GET"]) for g in guards] == [("guarded/<int:pk>/", Perm.CUSTOMERS_VIEW)]
    assert problems == ["unguarded: 'nested/forgotten/' declares no permission (tenant_view) and is not listed public"]
    _guards, problems = sweep(urlconf, public={"listed/", "nested/forgotten/", "gone/", "guarded/<int:pk>/"},
                              signed_in=set(), delegated=("accounts/",))
    assert [p.split(":")[0] for p in problems] == ["ambiguous", "stale"]


@pytest.mark.django_db(transaction=True)
def test_tenant_object_routes_are_404_across_tenants() -> None:
    owner = PartnerFactory()
    owner_admin = member(owner, Role.GLOBAL_ADMIN)
    customer = TenantFactory()
    customer_admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)
    reseller_relationship_ensure(partner=owner, customer=customer, actor=owner_admin)
    request, raw = invitation_services.invitation_create(
        partner=owner, actor=owner_admin, include_dap=False, customer_email="x@example.com"
    )
    other_customer = TenantFactory()
    _r2, raw2 = invitation_services.invitation_create(partner=owner, actor=owner_admin, include_dap=False)
    acceptance = invitation_services.invitation_accept(
        raw_token=raw2, user=member(other_customer, Role.CUSTOMER_GLOBAL_ADMIN), customer=other_customer
    )

    # A background job of the owner (the tests' own job kind), left queued.
    from jobs.services import job_create
    from tests.jobs_support import ECHO

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("jobs.services.job_enqueue_on_commit", lambda job_id: None)
        job = job_create(tenant=owner, actor=owner_admin, kind=ECHO.name, items=[("c1", customer.name)])

    from invitations.models import BulkInvitation

    bulk = BulkInvitation.objects.create(partner=owner, created_by=owner_admin, subject="Hi", body="[LINK]",
                                         language="en", rows=[[1, "bulk@example.com", "", ""]])

    group = gdap_services.group_create(partner=owner, actor=owner_admin, name="Helpdesk")
    gdap_services.member_add(group, actor=owner_admin, user=owner_admin)
    template = gdap_services.template_save(partner=owner, actor=owner_admin, name="Standard", duration="P90D",
                                           roles=["88d8e3e3-8f55-4a1e-953a-9b9898b8876b"])
    order = order_for(owner, owner_admin, customer)
    subscription = order.lines.get().subscription
    sub = f"/customers/{customer.id}/subscriptions/{subscription.id}/"
    urls = {
        "customers/<uuid:customer_id>/agreement/": f"/customers/{customer.id}/agreement/",
        "customers/<uuid:customer_id>/row/": f"/customers/{customer.id}/row/",
        "customers/<uuid:customer_id>/subscriptions/": f"/customers/{customer.id}/subscriptions/",
        "customers/<uuid:customer_id>/subscriptions/add/": f"/customers/{customer.id}/subscriptions/add/",
        "customers/<uuid:customer_id>/subscriptions/export.csv": f"/customers/{customer.id}/subscriptions/export.csv",
        "customers/<uuid:customer_id>/subscriptions/<uuid:subscription_id>/": sub,
        "customers/<uuid:customer_id>/subscriptions/<uuid:subscription_id>/cancel/": sub + "cancel/",
        "customers/<uuid:customer_id>/orders/<uuid:order_id>/": f"/customers/{customer.id}/orders/{order.id}/",
        "customers/<uuid:customer_id>/account/": f"/customers/{customer.id}/account/",
        "customers/<uuid:customer_id>/services/": f"/customers/{customer.id}/services/",
        "customers/<uuid:customer_id>/remove/": f"/customers/{customer.id}/remove/",
        "customers/requests/<int:request_id>/draft/": f"/customers/requests/{request.id}/draft/",
        "customers/requests/<int:request_id>/accepted/": f"/customers/requests/{request.id}/accepted/",
        "customers/requests/<int:request_id>/send/": f"/customers/requests/{request.id}/send/",
        "customers/requests/<int:request_id>/resend/": f"/customers/requests/{request.id}/resend/",
        "customers/requests/<int:request_id>/revoke/": f"/customers/requests/{request.id}/revoke/",
        "customers/requests/bulk/<uuid:bulk_id>/": f"/customers/requests/bulk/{bulk.id}/",
        "customers/requests/bulk/<uuid:bulk_id>/send/": f"/customers/requests/bulk/{bulk.id}/send/",
        "admin-center/acceptances/<uuid:acceptance_id>/": f"/admin-center/acceptances/{acceptance.id}/",
        "jobs/<uuid:job_id>/": f"/jobs/{job.id}/",
        "jobs/<uuid:job_id>/progress/": f"/jobs/{job.id}/progress/",
        "jobs/<uuid:job_id>/cancel/": f"/jobs/{job.id}/cancel/",
        "jobs/<uuid:job_id>/results.csv": f"/jobs/{job.id}/results.csv",
        "gdap/security-groups/<uuid:group_id>/": f"/gdap/security-groups/{group.pk}/",
        "gdap/security-groups/<uuid:group_id>/edit/": f"/gdap/security-groups/{group.pk}/edit/",
        "gdap/security-groups/<uuid:group_id>/delete/": f"/gdap/security-groups/{group.pk}/delete/",
        "gdap/security-groups/<uuid:group_id>/members/add/": f"/gdap/security-groups/{group.pk}/members/add/",
        "gdap/security-groups/<uuid:group_id>/members/<int:user_id>/remove/":
            f"/gdap/security-groups/{group.pk}/members/{owner_admin.pk}/remove/",
        "gdap/role-templates/<uuid:template_id>/": f"/gdap/role-templates/{template.pk}/",
        "gdap/role-templates/<uuid:template_id>/edit/": f"/gdap/role-templates/{template.pk}/edit/",
        "gdap/role-templates/<uuid:template_id>/delete/": f"/gdap/role-templates/{template.pk}/delete/",
    }
    assert set(urls) == (TENANT_OBJECT - PARTNERSHIP_ROUTES - ADMIN_CENTER_PARTNER_ROUTES - GDAP_CUSTOMER_ROUTES
                         - GDAP_PARTNER_ROUTES - MEMBER_USER_ROUTES - MEMBER_INVITATION_ROUTES - CUSTOMER_USER_ROUTES
                         - SERVICE_REQUEST_ROUTES - LICENSE_ROUTES - API_ACCESS_ROUTES
                         - WEBHOOK_ROUTES - OFFER_ROUTES)

    intruder_partner = PartnerFactory()
    intruders = [
        member(intruder_partner, Role.GLOBAL_ADMIN),
        member(TenantFactory(), Role.CUSTOMER_GLOBAL_ADMIN),
        customer_admin,  # a customer of the owner is still another tenant for the owner's objects
    ]

    from jobs.models import Job, JobItem
    from subscriptions.models import Order, Subscription

    def snapshot() -> tuple:
        return (
            list(Subscription.objects.order_by("id").values_list("quantity", "status", "version", "support_contact")),
            Order.objects.count(),
            list(RelationshipRequest.objects.order_by("id").values_list("status", "token_digest", "sent_at")),
            ResellerRelationship.objects.count(), Acceptance.objects.count(), ActivityLog.objects.count(),
            OutboxEmail.objects.count(),
            list(Job.objects.values_list("status", "done", "cancelled")), list(JobItem.objects.values_list("status")),
            list(SecurityGroup.objects.order_by("pk").values_list("name", "description")),
            SecurityGroupMember.objects.count(),
            list(RoleTemplate.objects.order_by("pk").values_list("name", "duration")),
            list(BulkInvitation.objects.values_list("status", "job_id")),
        )

    before = snapshot()
    for intruder in intruders:
        client = client_for(intruder)
        for route, url in urls.items():
            if route.startswith("admin-center/") and intruder is customer_admin:
                continue  # checked below with the right kind of tenant
            for method in ("get", "post"):
                response = getattr(client, method)(url, {
                    "subject": "x", "body": "x", "token": raw, "action": "quantity", "quantity": 7, "version": 1,
                    "idempotency_key": "x2", "qty_1": 5, "signer_name": "X", "signer_email": "x@example.com",
                    "accepted_on": "2026-01-01", "attest": "on", "name": "Taken over", "user": intruder.pk,
                    "roles": ["88d8e3e3-8f55-4a1e-953a-9b9898b8876b"], "duration": "P30D",
                    "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0",
                })
                assert response.status_code == 404, (intruder.email, method, url, response.status_code)
    # The acceptance belongs to other_customer: the owner's customer admin gets a 404 too.
    client = client_for(customer_admin)
    for method in ("get", "post"):
        assert getattr(client, method)(urls["admin-center/acceptances/<uuid:acceptance_id>/"]).status_code == 404
    assert snapshot() == before


def _example_url(route: str) -> str:
    """The route with made-up parameters: nobody's object, so a permitted role gets a 404 at most."""
    url = re.sub(r"<uuid:\w+>", "00000000-0000-4000-8000-000000000000", route)
    url = re.sub(r"<int:\w+>", "999999", url)
    return "/" + re.sub(r"<(?:str:)?\w+>", "nothing", url)


TENANT_KIND_OF_ROLE = {role: TenantKind.PARTNER if role in PARTNER_ROLES else TenantKind.CUSTOMER for role in Role}
PARTNER_TYPES = {TenantKind.PARTNER: [t.value for t in PartnerType], TenantKind.CUSTOMER: [""]}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_the_role_matrix_follows_the_role_permission_table(role) -> None:
    """Every guarded route, for every role and partner type, from ROLE_PERMISSIONS: without the method's
    permission 403 (GET and POST), with it anything but 403; a tenant of the other kind gets 404."""
    kind = TENANT_KIND_OF_ROLE[role]
    failures = []
    checked: Counter = Counter()
    for partner_type in PARTNER_TYPES[kind]:
        tenant = PartnerFactory(partner_type=partner_type) if kind == TenantKind.PARTNER else TenantFactory()
        client = client_for(member(tenant, role))
        allowed = permissions_for([role], partner_type)
        for guard in GUARDS:
            url = _example_url(guard.route)
            for method in ("get", "post"):
                perm = guard.perms[method.upper()]
                if guard.kind != kind:
                    expected = "404"
                elif perm not in allowed:
                    expected = "403"
                elif method == "post":
                    continue  # a permitted POST would act; the object tests cover those
                else:
                    expected = "not 403"
                status = getattr(client, method)(url).status_code
                checked[expected] += 1
                wrong = status == 403 if expected == "not 403" else str(status) != expected
                if wrong:
                    failures.append((partner_type, method, url, perm, expected, status))
    assert failures == []
    assert checked["not 403"] > 0 and checked["404"] > 0


def _partnered(provider, provider_admin, reseller, reseller_admin) -> None:  # noqa: ANN001
    from resellers import services as partnership_services

    request, _raw = partnership_services.partnership_request_create(provider=provider, actor=provider_admin,
                                                                     reseller_mpn_id=reseller.mpn_id)
    partnership_services.partnership_accept(request_id=request.id, reseller=reseller, actor=reseller_admin)


def _world(tag: str, partner_type: str) -> tuple:
    """A partner and its customer (both named after `tag`), with an order, a request and activity. A
    provider also has a partnered reseller ("<tag> Reseller") and a pending request to another ("<tag>
    Applicant"); a reseller has a provider ("<tag> Provider") and a pending request of another ("<tag>
    Suitor"), and invites its customer together with its provider."""
    from resellers import services as partnership_services

    partner = PartnerFactory(name=f"{tag} Partner", partner_type=partner_type)
    admin = member(partner, Role.GLOBAL_ADMIN)
    customer = TenantFactory(name=f"{tag} Customer")
    customer_admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)
    reseller_relationship_ensure(partner=partner, customer=customer, actor=admin)
    order_for(partner, admin, customer)
    relationship(partner, customer, GdapStatus.EXPIRING, ends_in=timedelta(days=5))  # Expiring admin relationships
    provider = None
    if partner_type == PartnerType.INDIRECT_PROVIDER:
        reseller = PartnerFactory(name=f"{tag} Reseller", partner_type=PartnerType.INDIRECT_RESELLER)
        _partnered(partner, admin, reseller, member(reseller, Role.GLOBAL_ADMIN))
        applicant = PartnerFactory(name=f"{tag} Applicant", partner_type=PartnerType.INDIRECT_RESELLER)
        partnership_services.partnership_request_create(provider=partner, actor=admin, reseller_mpn_id=applicant.mpn_id)
    elif partner_type == PartnerType.INDIRECT_RESELLER:
        provider = PartnerFactory(name=f"{tag} Provider", partner_type=PartnerType.INDIRECT_PROVIDER)
        _partnered(provider, member(provider, Role.GLOBAL_ADMIN), partner, admin)
        suitor = PartnerFactory(name=f"{tag} Suitor", partner_type=PartnerType.INDIRECT_PROVIDER)
        partnership_services.partnership_request_create(provider=suitor, actor=member(suitor, Role.GLOBAL_ADMIN),
                                                        reseller_mpn_id=partner.mpn_id)
    invitation_services.invitation_create(partner=partner, actor=admin, include_dap=True, provider=provider,
                                          customer_email=f"{tag.lower()}@example.com")
    return admin, customer_admin


# What each list of the channel shows of the owner's world (the other world's names never appear).
CHANNEL_LISTS = {
    PartnerType.INDIRECT_PROVIDER: {"resellers/": ["Aurora Reseller", "Aurora Applicant"]},
    PartnerType.INDIRECT_RESELLER: {"providers/": ["Aurora Provider", "Aurora Suitor"],
                                    "providers/invite/": ["Aurora Provider"]},
}


def _body(response) -> str:  # noqa: ANN001
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("partner_type", list(PartnerType))
def test_list_routes_never_show_another_tenants_rows(partner_type) -> None:
    """Every guarded route without parameters (the lists, exports, logs) as the owner: the other world's
    names and addresses never appear; the owner's own customer does, on the lists that show customers,
    and its own requests and partnerships on the lists of requests, resellers and providers."""
    mine, my_customer = _world("Aurora", partner_type)
    _world("Zebrafin", partner_type)
    owner_perms = {TenantKind.PARTNER: permissions_for([Role.GLOBAL_ADMIN], partner_type),
                   TenantKind.CUSTOMER: permissions_for([Role.CUSTOMER_GLOBAL_ADMIN])}
    bodies = {}
    for guard in GUARDS:
        if guard.has_params:
            continue
        user = mine if guard.kind == TenantKind.PARTNER else my_customer
        response = client_for(user).get(_example_url(guard.route))
        # 404: a page not for this partner type; 403: a permission the partner type never has.
        allowed = (200, 302, 404, 405) if guard.perms["GET"] in owner_perms[guard.kind] else (403,)
        assert response.status_code in allowed, (guard.route, response.status_code)
        bodies[guard.route] = _body(response)
        assert "zebrafin" not in bodies[guard.route].lower(), guard.route
    for route in ("customers/", "customers/export.csv", "subscriptions/export.csv", "activity/", "gdap/expiring/"):
        assert "Aurora Customer" in bodies[route], route
    assert "aurora@example.com" in bodies["customers/requests/"]
    assert mine.email in bodies["users/"] and my_customer.email not in bodies["users/"]
    for route, names in CHANNEL_LISTS.get(partner_type, {}).items():
        for name in names:
            assert name in bodies[route], (route, name)
    for route in ("admin-center/", "admin-center/subscriptions/", "admin-center/licenses/"):
        assert "Aurora Partner" in bodies[route], route


@pytest.mark.django_db
def test_every_guarded_route_sends_signed_out_visitors_to_sign_in(client) -> None:
    for guard in GUARDS:
        for method in ("get", "post"):
            response = getattr(client, method)(_example_url(guard.route))
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), guard.route


@pytest.mark.django_db
def test_partner_pages_are_404_for_customer_tenants_and_vice_versa() -> None:
    customer = TenantFactory()
    customer_client = client_for(member(customer, Role.CUSTOMER_GLOBAL_ADMIN))
    assert customer_client.get("/customers/").status_code == 404
    partner_client = client_for(member(PartnerFactory(), Role.GLOBAL_ADMIN))
    assert partner_client.get("/admin-center/").status_code == 404
