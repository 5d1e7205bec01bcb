"""Every URL pattern is classified; every tenant-object route is a 404 to another tenant (GET and POST)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from customers.models import ResellerRelationship
from customers.services import reseller_relationship_ensure
from invitations import services as invitation_services
from invitations.models import Acceptance, RelationshipRequest
from partnercenter.models import ActivityLog, OutboxEmail
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member

PUBLIC = {
    "partnerships/<str:token>/",
    "healthz", "language/", "admin-center/partner-request/<str:token>/",
    "admin-center/partner-request/<str:token>/accept/", "admin-center/partner-request/<str:token>/decline/",
    "dev/outbox/", "dev/outbox/<int:email_id>/",
}
SIGNED_IN = {"", "switch-tenant/"}
TENANT = {
    "customers/", "customers/export.csv", "customers/request-relationship/", "customers/requests/",
    "offers/", "subscriptions/export.csv", "admin-center/subscriptions/",
    "resellers/", "resellers/request-partnership/", "providers/", "providers/invite/",
    "customers/add/", "customers/add/subscriptions/", "customers/add/review/", "customers/add/cancel/",
    "company-profile/", "company-profile/edit/", "company-profile/security/", "activity/", "admin-center/", "admin-center/activity/",
}
TENANT_OBJECT = {
    "customers/<uuid:customer_id>/account/",
    "customers/<uuid:customer_id>/remove/",
    "customers/requests/<int:request_id>/draft/",
    "customers/requests/<int:request_id>/accepted/",
    "customers/requests/<int:request_id>/send/",
    "customers/requests/<int:request_id>/resend/",
    "customers/requests/<int:request_id>/revoke/",
    "admin-center/acceptances/<uuid:acceptance_id>/",
    "customers/<uuid:customer_id>/agreement/",
    "customers/<uuid:customer_id>/row/",
    "customers/<uuid:customer_id>/subscriptions/",
    "customers/<uuid:customer_id>/subscriptions/add/",
    "customers/<uuid:customer_id>/subscriptions/export.csv",
    "customers/<uuid:customer_id>/subscriptions/<uuid:subscription_id>/",
    "customers/<uuid:customer_id>/subscriptions/<uuid:subscription_id>/cancel/",
    "customers/<uuid:customer_id>/orders/<uuid:order_id>/",
    # Checked across tenants in tests/test_partnerships.py::test_pages_and_cross_tenant.
    "resellers/requests/<int:request_id>/draft/",
    "resellers/requests/<int:request_id>/send/",
    "resellers/requests/<int:request_id>/resend/",
    "resellers/requests/<int:request_id>/revoke/",
    "resellers/<uuid:reseller_id>/remove/",
    "providers/requests/<int:request_id>/accept/",
    "providers/requests/<int:request_id>/decline/",
    "providers/<uuid:provider_id>/remove/",
    # Checked across tenants in tests/test_admin_center_dap.py::test_another_tenants_partner_id_is_404.
    "admin-center/partners/<uuid:partner_id>/remove-delegated-admin/",
    "admin-center/partners/<uuid:partner_id>/reassign-admin-permissions/",
}
PARTNERSHIP_ROUTES = {r for r in TENANT_OBJECT if r.startswith(("resellers/", "providers/"))}
ADMIN_CENTER_PARTNER_ROUTES = {r for r in TENANT_OBJECT if r.startswith("admin-center/partners/")}
# Third-party route trees with their own access rules: allauth (sign-in, MFA) and Django admin (staff).
DELEGATED_PREFIXES = ("accounts/", "django-admin/")


def _routes(patterns: list, prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def test_every_route_is_classified() -> None:
    known = PUBLIC | SIGNED_IN | TENANT | TENANT_OBJECT
    unclassified = [
        route for route in _routes(get_resolver().url_patterns)
        if route not in known and not route.startswith(DELEGATED_PREFIXES)
    ]
    assert unclassified == []
    stale = known - set(_routes(get_resolver().url_patterns))
    assert stale == set()


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

    from subscriptions.models import Offer
    from subscriptions.services import Line, customer_agreement_record, order_place

    customer_agreement_record(partner=owner, customer=customer, actor=owner_admin, signer_name="Eva",
                              signer_email="eva@example.com", accepted_on=date(2026, 1, 5))
    order, _created = order_place(partner=owner, customer=customer, actor=owner_admin, idempotency_key="k1",
                                  lines=[Line(offer_id=Offer.objects.get(sku="mail-basic").id, quantity=3)])
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
        "customers/<uuid:customer_id>/remove/": f"/customers/{customer.id}/remove/",
        "customers/requests/<int:request_id>/draft/": f"/customers/requests/{request.id}/draft/",
        "customers/requests/<int:request_id>/accepted/": f"/customers/requests/{request.id}/accepted/",
        "customers/requests/<int:request_id>/send/": f"/customers/requests/{request.id}/send/",
        "customers/requests/<int:request_id>/resend/": f"/customers/requests/{request.id}/resend/",
        "customers/requests/<int:request_id>/revoke/": f"/customers/requests/{request.id}/revoke/",
        "admin-center/acceptances/<uuid:acceptance_id>/": f"/admin-center/acceptances/{acceptance.id}/",
    }
    assert set(urls) == TENANT_OBJECT - PARTNERSHIP_ROUTES - ADMIN_CENTER_PARTNER_ROUTES

    intruder_partner = PartnerFactory()
    intruders = [
        member(intruder_partner, Role.GLOBAL_ADMIN),
        member(TenantFactory(), Role.CUSTOMER_GLOBAL_ADMIN),
        customer_admin,  # a customer of the owner is still another tenant for the owner's objects
    ]

    from subscriptions.models import Order, Subscription

    def snapshot() -> tuple:
        return (
            list(Subscription.objects.order_by("id").values_list("quantity", "status", "version", "support_contact")),
            Order.objects.count(),
            list(RelationshipRequest.objects.order_by("id").values_list("status", "token_digest", "sent_at")),
            ResellerRelationship.objects.count(), Acceptance.objects.count(), ActivityLog.objects.count(),
            OutboxEmail.objects.count(),
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
                    "accepted_on": "2026-01-01", "attest": "on",
                })
                assert response.status_code == 404, (intruder.email, method, url, response.status_code)
    # The acceptance belongs to other_customer: the owner's customer admin gets a 404 too.
    client = client_for(customer_admin)
    for method in ("get", "post"):
        assert getattr(client, method)(urls["admin-center/acceptances/<uuid:acceptance_id>/"]).status_code == 404
    assert snapshot() == before


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in(client) -> None:
    for url in ["/customers/", "/customers/export.csv", "/company-profile/", "/activity/", "/admin-center/",
                "/customers/requests/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "url", "expected"),
    [
        (Role.HELPDESK_AGENT, "/customers/request-relationship/", 403),
        (Role.BILLING_ADMIN, "/customers/request-relationship/", 403),
        (Role.HELPDESK_AGENT, "/customers/export.csv", 403),
        (Role.BILLING_ADMIN, "/customers/export.csv", 200),
        (Role.SALES_AGENT, "/customers/request-relationship/", 200),
        (Role.SALES_AGENT, "/company-profile/edit/", 403),
        (Role.ADMIN_AGENT, "/company-profile/edit/", 403),
        (Role.GLOBAL_ADMIN, "/company-profile/edit/", 200),
        (Role.SALES_AGENT, "/activity/", 403),
        (Role.HELPDESK_AGENT, "/customers/", 200),
    ],
)
def test_role_permissions_are_enforced_on_the_server(role, url, expected) -> None:
    partner = PartnerFactory()
    assert client_for(member(partner, role)).get(url).status_code == expected


@pytest.mark.django_db
def test_partner_pages_are_404_for_customer_tenants_and_vice_versa() -> None:
    customer = TenantFactory()
    customer_client = client_for(member(customer, Role.CUSTOMER_GLOBAL_ADMIN))
    assert customer_client.get("/customers/").status_code == 404
    partner_client = client_for(member(PartnerFactory(), Role.GLOBAL_ADMIN))
    assert partner_client.get("/admin-center/").status_code == 404
