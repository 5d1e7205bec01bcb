"""F6/F7 indirect partnerships: who may request, accept and remove; region; registered resellers."""

from __future__ import annotations

import pytest
from django.core import mail

from partnercenter.errors import DomainError
from partnercenter.models import ActivityKind, ActivityLog
from partnercenter.roles import Role
from resellers import selectors, services
from resellers.models import IndirectPartnership, PartnershipRequest, PartnershipRequestStatus, PartnershipStatus
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = pytest.mark.django_db(transaction=True)



def _accept(request, reseller, actor):  # noqa: ANN001, ANN202
    return services.partnership_accept(request_id=request.id, reseller=reseller, actor=actor)


def test_provider_requests_reseller_accepts_both_logs_and_provider_mail(provider, provider_admin, reseller,
                                                                        reseller_admin):
    request, raw = services.partnership_request_create(provider=provider, actor=provider_admin,
                                                       reseller_mpn_id=reseller.mpn_id)
    assert selectors.partnership_request_by_token(raw).pk == request.pk
    partnership = _accept(request, reseller, reseller_admin)
    assert partnership.status == PartnershipStatus.ACTIVE
    request.refresh_from_db()
    assert request.status == PartnershipRequestStatus.ACCEPTED
    for tenant in (provider, reseller):
        assert ActivityLog.objects.filter(tenant=tenant, kind=ActivityKind.PARTNERSHIP_ACCEPTED).exists()
    assert [m.to[0] for m in mail.outbox] == [provider_admin.email]


@pytest.mark.parametrize("role", [Role.SALES_AGENT, Role.HELPDESK_AGENT, Role.BILLING_ADMIN])
def test_only_global_admin_and_admin_agent_request(provider, role):
    with pytest.raises(DomainError):
        services.partnership_request_create(provider=provider, actor=member(provider, role))


def test_only_providers_request(reseller_admin, reseller):
    with pytest.raises(DomainError):
        services.partnership_request_create(provider=reseller, actor=reseller_admin)


def test_only_a_registered_reseller_of_the_same_region_accepts(provider, provider_admin):
    request, _raw = services.partnership_request_create(provider=provider, actor=provider_admin)
    direct = PartnerFactory(partner_type="direct", country="HU")
    american = PartnerFactory(partner_type="indirect_reseller", country="US")
    customer = TenantFactory(country="HU")
    for tenant, role in ((direct, Role.GLOBAL_ADMIN), (american, Role.GLOBAL_ADMIN),
                         (customer, Role.CUSTOMER_GLOBAL_ADMIN)):
        with pytest.raises(DomainError):
            _accept(request, tenant, member(tenant, role))
    assert not IndirectPartnership.objects.exists()


@pytest.mark.parametrize(("role", "allowed"), [(Role.ADMIN_AGENT, True), (Role.SALES_AGENT, False),
                                               (Role.HELPDESK_AGENT, False)])
def test_who_may_accept_for_the_reseller(provider, provider_admin, reseller, role, allowed):
    request, _raw = services.partnership_request_create(provider=provider, actor=provider_admin)
    actor = member(reseller, role)
    if allowed:
        _accept(request, reseller, actor)
    else:
        with pytest.raises(DomainError):
            _accept(request, reseller, actor)
    assert IndirectPartnership.objects.exists() is allowed


def test_request_addressed_to_one_reseller_cannot_be_taken_by_another(provider, provider_admin, reseller):
    request, _raw = services.partnership_request_create(provider=provider, actor=provider_admin,
                                                       reseller_mpn_id=reseller.mpn_id)
    other = PartnerFactory(partner_type="indirect_reseller", country="HU")
    with pytest.raises(DomainError):
        _accept(request, other, member(other, Role.GLOBAL_ADMIN))


def test_unknown_mpn_and_non_reseller_mpn_are_refused_beside_the_field(provider, provider_admin):
    direct = PartnerFactory(partner_type="direct")
    for mpn in ("9999999", direct.mpn_id):
        with pytest.raises(DomainError) as info:
            services.partnership_request_create(provider=provider, actor=provider_admin, reseller_mpn_id=mpn)
        assert info.value.field == "reseller_mpn_id"
    assert not PartnershipRequest.objects.exists()


def test_double_accept_gives_one_partnership(provider, provider_admin, reseller, reseller_admin):
    request, _raw = services.partnership_request_create(provider=provider, actor=provider_admin)
    first = _accept(request, reseller, reseller_admin)
    second = _accept(request, reseller, member(reseller, Role.ADMIN_AGENT))
    assert first.pk == second.pk and IndirectPartnership.objects.count() == 1


def test_resend_kills_the_old_link_and_revoke_is_not_found(provider, provider_admin, reseller, reseller_admin):
    request, old = services.partnership_request_create(provider=provider, actor=provider_admin)
    new = services.partnership_request_resend(request=request, actor=provider_admin)
    assert selectors.partnership_request_by_token(old) is None
    services.partnership_request_revoke(request=request, actor=provider_admin)
    assert selectors.partnership_request_by_token(new) is None
    with pytest.raises(services.PartnershipNotFound):
        _accept(request, reseller, reseller_admin)


def test_decline_then_accept_is_refused(provider, provider_admin, reseller, reseller_admin):
    request, _raw = services.partnership_request_create(provider=provider, actor=provider_admin)
    services.partnership_decline(request_id=request.id, reseller=reseller, actor=reseller_admin)
    with pytest.raises(DomainError):
        _accept(request, reseller, reseller_admin)
    assert ActivityLog.objects.filter(tenant=provider, kind=ActivityKind.PARTNERSHIP_DECLINED).exists()


def test_remove_partnership_from_either_side_keeps_customers_and_sends_nothing(provider, provider_admin, reseller,
                                                                               reseller_admin):
    from customers.models import ResellerAssociation

    request, _raw = services.partnership_request_create(provider=provider, actor=provider_admin)
    partnership = _accept(request, reseller, reseller_admin)
    customer = TenantFactory(country="HU")
    ResellerAssociation.objects.create(customer=customer, reseller=reseller, provider=provider)
    mail.outbox.clear()
    client = client_for(provider_admin)
    response = client.post(f"/resellers/{reseller.id}/remove/", {})
    assert response.status_code == 400  # the attestation must be ticked
    assert client.post(f"/resellers/{reseller.id}/remove/", {"attest": "on"}).status_code == 302
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.REMOVED
    assert ResellerAssociation.objects.filter(customer=customer, status="active").exists()
    assert mail.outbox == []
    for tenant in (provider, reseller):
        assert ActivityLog.objects.filter(tenant=tenant, kind=ActivityKind.PARTNERSHIP_REMOVED).exists()


def test_pages_and_cross_tenant(provider, provider_admin, reseller, reseller_admin):
    request, raw = services.partnership_request_create(provider=provider, actor=provider_admin,
                                                       reseller_mpn_id=reseller.mpn_id)
    provider_client, reseller_client = client_for(provider_admin), client_for(reseller_admin)
    assert "Tailspin Bt." in provider_client.get("/resellers/").content.decode()
    assert provider_client.get("/providers/").status_code == 404
    assert reseller_client.get("/resellers/").status_code == 404
    page = reseller_client.get("/providers/").content.decode()
    assert "Fabrikam Kft." in page and "Accept" in page
    other_provider = PartnerFactory(partner_type="indirect_provider", country="HU")
    intruder = client_for(member(other_provider, Role.GLOBAL_ADMIN))
    for url in (f"/resellers/requests/{request.id}/revoke/", f"/resellers/requests/{request.id}/resend/",
                f"/resellers/requests/{request.id}/send/", f"/resellers/requests/{request.id}/draft/"):
        assert intruder.post(url).status_code == 404
    other_reseller = PartnerFactory(partner_type="indirect_reseller", country="HU")
    other_client = client_for(member(other_reseller, Role.GLOBAL_ADMIN))
    for action in ("accept", "decline"):
        assert other_client.post(f"/providers/requests/{request.id}/{action}/").status_code == 404
    assert reseller_client.post(f"/providers/requests/{request.id}/accept/").status_code == 302
    assert IndirectPartnership.objects.filter(provider=provider, reseller=reseller).count() == 1
    assert intruder.post(f"/resellers/{reseller.id}/remove/", {"attest": "on"}).status_code == 404
    assert other_client.post(f"/providers/{provider.id}/remove/", {"attest": "on"}).status_code == 404
    assert IndirectPartnership.objects.get().status == PartnershipStatus.ACTIVE
    # Link page: a used link is not found for a stranger.
    assert client_for(member(other_reseller, Role.ADMIN_AGENT)).get(services.partnership_path(raw)).status_code == 404


def test_link_page_accepts_for_the_signed_in_reseller(provider, provider_admin, reseller, reseller_admin):
    _request, raw = services.partnership_request_create(provider=provider, actor=provider_admin)
    client = client_for(reseller_admin)
    assert "Accept" in client.get(services.partnership_path(raw)).content.decode()
    assert client.post(services.partnership_path(raw), {"answer": "accept"}).status_code == 302
    assert IndirectPartnership.objects.filter(provider=provider, reseller=reseller).exists()
    assert client_for(reseller_admin).get(services.partnership_path("A" * 43)).status_code == 404


# --- F3 combined invitation ----------------------------------------------------------------------


def test_combined_invitation_creates_both_relationships_and_the_association_once(provider, provider_admin, reseller,
                                                                                 reseller_admin):
    from customers.models import DelegatedAdminPermission, ResellerAssociation, ResellerRelationship
    from invitations import services as invitation_services

    request, _raw = services.partnership_request_create(provider=provider, actor=provider_admin)
    _accept(request, reseller, reseller_admin)
    rel_request, raw = invitation_services.invitation_create(partner=reseller, actor=reseller_admin,
                                                             provider=provider, include_dap=True)
    customer = TenantFactory(country="HU")
    admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)
    acceptance = invitation_services.invitation_accept(raw_token=raw, user=admin, customer=customer)
    assert invitation_services.acceptance_process(acceptance_id=str(acceptance.id)) == "done-already"
    with pytest.raises(DomainError):
        invitation_services.invitation_accept(raw_token=raw, user=admin, customer=customer)
    assert set(ResellerRelationship.objects.filter(customer=customer, status="active")
               .values_list("partner_id", flat=True)) == {reseller.id, provider.id}
    association = ResellerAssociation.objects.get(customer=customer, status="active")
    assert (association.reseller_id, association.provider_id) == (reseller.id, provider.id)
    assert set(DelegatedAdminPermission.objects.filter(customer=customer, status="active")
               .values_list("partner_id", flat=True)) == {reseller.id}
    for tenant in (provider, reseller, customer):
        assert ActivityLog.objects.filter(tenant=tenant, kind=ActivityKind.ASSOCIATION_CREATED).exists()
    assert provider_admin.email in {m.to[0] for m in mail.outbox}


def test_combined_invitation_needs_a_partnered_provider(provider, reseller, reseller_admin):
    from invitations import services as invitation_services

    with pytest.raises(DomainError) as info:
        invitation_services.invitation_create(partner=reseller, actor=reseller_admin, provider=provider,
                                              include_dap=False)
    assert info.value.field == "provider"


def test_customers_are_not_inherited_when_partnering(provider, provider_admin, reseller, reseller_admin):
    from customers.models import ResellerRelationship
    from customers.services import reseller_relationship_ensure

    reseller_relationship_ensure(partner=provider, customer=TenantFactory(name="Provider's own", country="HU"),
                                 actor=None)
    reseller_relationship_ensure(partner=reseller, customer=TenantFactory(name="Reseller's own", country="HU"),
                                 actor=None)
    request, _raw = services.partnership_request_create(provider=provider, actor=provider_admin)
    _accept(request, reseller, reseller_admin)
    assert list(ResellerRelationship.objects.filter(partner=reseller).values_list("customer__name", flat=True)) == [
        "Reseller's own"]
    assert list(ResellerRelationship.objects.filter(partner=provider).values_list("customer__name", flat=True)) == [
        "Provider's own"]
    page = client_for(reseller_admin).get("/customers/").content.decode()
    assert "Provider&#x27;s own" not in page and "Provider's own" not in page


def test_invite_page_for_resellers(provider, provider_admin, reseller, reseller_admin):
    request, _raw = services.partnership_request_create(provider=provider, actor=provider_admin)
    _accept(request, reseller, reseller_admin)
    client = client_for(reseller_admin)
    response = client.post("/providers/invite/", {"provider": str(provider.id), "customer_email": "x@example.com"},
                           follow=True)
    assert response.status_code == 200 and "/admin-center/partner-request/" in response.content.decode()
    other_provider = PartnerFactory(partner_type="indirect_provider", country="HU")
    response = client.post("/providers/invite/", {"provider": str(other_provider.id)})
    assert response.status_code == 400 and "provider" in response.context["form"].errors
    assert client_for(provider_admin).get("/providers/invite/").status_code == 404


def test_provider_filters_customers_by_reseller_and_exports_the_column(provider, provider_admin, reseller,
                                                                      reseller_admin):
    import csv
    import io

    from customers.models import ResellerAssociation
    from customers.services import reseller_relationship_ensure

    request, _raw = services.partnership_request_create(provider=provider, actor=provider_admin)
    _accept(request, reseller, reseller_admin)
    via = TenantFactory(name="Via Reseller AG", country="HU")
    own = TenantFactory(name="Own Customer AG", country="HU")
    for customer in (via, own):
        reseller_relationship_ensure(partner=provider, customer=customer, actor=None)
    reseller_relationship_ensure(partner=reseller, customer=via, actor=None)
    ResellerAssociation.objects.create(customer=via, reseller=reseller, provider=provider)
    client = client_for(provider_admin)
    page = client.get("/customers/", {"reseller": str(reseller.id)})
    assert [r.customer.name for r in page.context["page"].rows] == ["Via Reseller AG"]
    assert f"Tailspin Bt. ({reseller.mpn_id})" in page.content.decode()
    assert "Filter by indirect reseller" in client.get("/customers/").content.decode()
    response = client.get("/customers/export.csv", {"reseller": str(reseller.id)})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert [(r[1], r[4]) for r in rows[1:]] == [("Via Reseller AG", f"Tailspin Bt. ({reseller.mpn_id})")]
    # Another provider's reseller, or any other id, is a 404.
    stranger = PartnerFactory(partner_type="indirect_reseller", country="HU")
    assert client.get("/customers/", {"reseller": str(stranger.id)}).status_code == 404
    assert client.get("/customers/", {"reseller": "not-a-uuid"}).status_code == 404
    # Unfiltered, the column names the reseller on its customer's row only.
    rows = {r.customer.name: r.indirect_reseller for r in client.get("/customers/").context["page"].rows}
    assert rows == {"Via Reseller AG": f"Tailspin Bt. ({reseller.mpn_id})", "Own Customer AG": ""}
    # The reseller sees the customer as reached through its provider: list, row details, export.
    reseller_client = client_for(reseller_admin)
    html = reseller_client.get("/customers/").content.decode()
    assert "Reseller via indirect provider (Fabrikam Kft.)" in html
    details = reseller_client.get(f"/customers/{via.id}/row/").content.decode()
    assert "Reseller via indirect provider (Fabrikam Kft.)" in details
    response = reseller_client.get("/customers/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert [(r[1], r[3], r[4]) for r in rows[1:]] == [
        ("Via Reseller AG", "Reseller via indirect provider (Fabrikam Kft.)", "")]


def test_combined_invitation_is_refused_once_the_partnership_ended(provider, provider_admin, reseller,
                                                                   reseller_admin):
    from customers.models import ResellerAssociation, ResellerRelationship
    from invitations import services as invitation_services

    request, _raw = services.partnership_request_create(provider=provider, actor=provider_admin)
    partnership = _accept(request, reseller, reseller_admin)
    _r, raw = invitation_services.invitation_create(partner=reseller, actor=reseller_admin, provider=provider,
                                                    include_dap=False)
    services.partnership_remove(partnership=partnership, actor=provider_admin, acting_tenant=provider)
    customer = TenantFactory(country="HU")
    with pytest.raises(DomainError) as info:
        invitation_services.invitation_accept(raw_token=raw, user=member(customer, Role.CUSTOMER_GLOBAL_ADMIN),
                                              customer=customer)
    assert info.value.code == "refused"
    assert not ResellerRelationship.objects.filter(customer=customer).exists()
    assert not ResellerAssociation.objects.filter(customer=customer).exists()


def test_another_resellers_invitation_cannot_take_over_an_associated_customer(provider, provider_admin, reseller,
                                                                             reseller_admin):
    from customers.models import ResellerAssociation
    from invitations import services as invitation_services

    other = PartnerFactory(partner_type="indirect_reseller", country="HU")
    other_admin = member(other, Role.GLOBAL_ADMIN)
    for r, admin in ((reseller, reseller_admin), (other, other_admin)):
        req, _raw = services.partnership_request_create(provider=provider, actor=provider_admin)
        _accept(req, r, admin)
    customer = TenantFactory(country="HU")
    customer_admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)
    _r, first = invitation_services.invitation_create(partner=reseller, actor=reseller_admin, provider=provider,
                                                      include_dap=False)
    invitation_services.invitation_accept(raw_token=first, user=customer_admin, customer=customer)
    _r, second = invitation_services.invitation_create(partner=other, actor=other_admin, provider=provider,
                                                       include_dap=False)
    with pytest.raises(DomainError) as info:
        invitation_services.invitation_accept(raw_token=second, user=customer_admin, customer=customer)
    assert info.value.code == "associated"
    assert list(ResellerAssociation.objects.filter(customer=customer, status="active")
                .values_list("reseller_id", flat=True)) == [reseller.id]


def test_filter_by_a_former_reseller_is_not_found(provider, provider_admin, reseller, reseller_admin):
    request, _raw = services.partnership_request_create(provider=provider, actor=provider_admin)
    partnership = _accept(request, reseller, reseller_admin)
    services.partnership_remove(partnership=partnership, actor=provider_admin, acting_tenant=provider)
    assert client_for(provider_admin).get("/customers/", {"reseller": str(reseller.id)}).status_code == 404


def test_reseller_filter_is_a_select_up_to_the_limit_then_a_box(provider, provider_admin, reseller, reseller_admin,
                                                                 monkeypatch):
    from resellers import selectors

    request, _raw = services.partnership_request_create(provider=provider, actor=provider_admin)
    _accept(request, reseller, reseller_admin)
    second = PartnerFactory(name="Wingtip Kft.", partner_type="indirect_reseller", country="HU")
    request, _raw = services.partnership_request_create(provider=provider, actor=provider_admin)
    _accept(request, second, member(second, Role.GLOBAL_ADMIN))
    client = client_for(provider_admin)

    monkeypatch.setattr(selectors, "SELECT_LIMIT", 2)
    chosen = selectors.partnered_reseller(provider=provider, reseller_id=reseller.id)
    assert chosen.too_many_for_select is False
    assert [r.name for r in selectors.reseller_filter_options(provider=provider, chosen=chosen)] == [
        "Tailspin Bt.", "Wingtip Kft."]
    html = client.get("/customers/", {"reseller": str(second.id)}).content.decode()
    assert f'<option value="{second.id}" selected>' in html and 'name="reseller_q"' not in html

    monkeypatch.setattr(selectors, "SELECT_LIMIT", 1)
    chosen = selectors.partnered_reseller(provider=provider, reseller_id=reseller.id)
    assert chosen.too_many_for_select is True
    assert selectors.reseller_filter_options(provider=provider, chosen=chosen) is None
    assert selectors.reseller_filter_options(provider=provider) is None
    html = client.get("/customers/", {"reseller": str(second.id)}).content.decode()
    assert 'name="reseller_q"' in html and f'value="{second.mpn_id}"' in html and "<option" not in html.split(
        'id="reseller-filter"')[1].split("</div>")[0]


def test_too_many_resellers_for_a_select_is_remembered_for_a_minute_then_asked_again(provider, provider_admin,
                                                                                     reseller, reseller_admin,
                                                                                     monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    request, _raw = services.partnership_request_create(provider=provider, actor=provider_admin)
    _accept(request, reseller, reseller_admin)
    monkeypatch.setattr(selectors, "SELECT_LIMIT", 0)
    clock = [1000.0]
    monkeypatch.setattr("time.monotonic", lambda: clock[0])
    assert selectors.reseller_filter_options(provider=provider) is None
    with CaptureQueriesContext(connection) as queries:
        assert selectors.reseller_filter_options(provider=provider) is None
    assert len(queries) == 0  # remembered
    IndirectPartnership.objects.filter(provider=provider).update(status=PartnershipStatus.REMOVED)
    clock[0] += selectors._MANY_FOR + 1
    assert selectors.reseller_filter_options(provider=provider) == []  # asked again: none left


@pytest.mark.parametrize(("subject", "body", "field"), [
    ("", "{link}", "subject"), ("x" * 201, "{link}", "subject"), ("Hi", "no link", "body"),
    ("Hi", "x" * 9_990 + "{link}", "body"),  # too long: cutting it at the limit would lose the link
])
def test_both_kinds_of_link_refuse_a_bad_draft_and_send_nothing(provider, provider_admin, subject, body, field):
    from invitations import services as invitation_services
    from partnercenter.models import OutboxEmail

    partnership, raw = services.partnership_request_create(provider=provider, actor=provider_admin,
                                                           email="admin@tailspin.example")
    relationship, raw2 = invitation_services.invitation_create(partner=provider, actor=provider_admin,
                                                               include_dap=False, customer_email="mike@adatum.example")
    for send, request, token, path in (
        (services.partnership_request_send, partnership, raw, services.partnership_path(raw)),
        (invitation_services.invitation_send, relationship, raw2, invitation_services.acceptance_path(raw2)),
    ):
        link = "http://testserver" + path
        with pytest.raises(DomainError) as info:
            send(request=request, actor=provider_admin, raw_token=token, subject=subject,
                 body=body.replace("{link}", link), link=link)
        assert info.value.field == field
    assert not OutboxEmail.objects.exists()


def test_resellers_list_pages_searches_and_counts_only_this_providers_customers(provider, provider_admin,
                                                                                monkeypatch):
    from customers.models import ResellerAssociation
    from resellers import selectors
    from resellers.selectors import partnerships_page

    resellers = [PartnerFactory(name=f"Reseller {name} Kft.", partner_type="indirect_reseller", country="HU")
                 for name in ("Delta", "Alpha", "Charlie", "Bravo")]
    for reseller in resellers:
        request, _raw = services.partnership_request_create(provider=provider, actor=provider_admin)
        _accept(request, reseller, member(reseller, Role.GLOBAL_ADMIN))
    delta, alpha, charlie, _bravo = resellers
    services.partnership_remove(partnership=IndirectPartnership.objects.get(provider=provider, reseller=alpha),
                                actor=provider_admin, acting_tenant=provider)
    other_provider = PartnerFactory(partner_type="indirect_provider", country="HU")
    for reseller, provider_ in ((delta, provider), (delta, provider), (charlie, provider), (delta, other_provider)):
        ResellerAssociation.objects.create(customer=TenantFactory(country="HU"), reseller=reseller, provider=provider_)

    def names(page):  # noqa: ANN001, ANN202
        return [(p.reseller.name.split()[1], p.status, p.customer_count) for p in page]

    first = partnerships_page(provider=provider, per_page=2)
    assert names(first) == [("Bravo", "active", 0), ("Charlie", "active", 1)]
    assert (first.paginator.num_pages, first.paginator.count) == (2, 4)
    # Active first, then removed; another provider's association is not counted.
    assert names(partnerships_page(provider=provider, per_page=2, number=2)) == [
        ("Delta", "active", 2), ("Alpha", "removed", 0)]
    assert partnerships_page(provider=provider, per_page=2, number=99).number == 2
    assert partnerships_page(provider=provider, per_page=2, number="x").number == 1
    assert names(partnerships_page(provider=provider, search="charl")) == [("Charlie", "active", 1)]
    assert names(partnerships_page(provider=provider, search=delta.mpn_id)) == [("Delta", "active", 2)]
    assert list(partnerships_page(provider=other_provider)) == []

    client = client_for(provider_admin)
    response = client.get("/resellers/", {"q": "bravo"})
    assert [p.reseller.name for p in response.context["page"]] == ["Reseller Bravo Kft."]
    assert "Page 1 of 1" not in response.content.decode()  # one page: no pager
    assert client.get("/resellers/", {"page": "not-a-number", "q": "\x00"}).status_code == 200
    assert "No indirect reseller matches" in client.get("/resellers/", {"q": "zzz"}).content.decode()
    monkeypatch.setattr(selectors, "RESELLERS_PAGE_SIZE", 1)
    html = client.get("/resellers/", {"q": "Reseller", "page": "2"}).content.decode()
    assert "Page 2 of 4 (4 resellers)" in html
    assert 'href="?q=Reseller&amp;page=1"' in html and 'href="?q=Reseller&amp;page=3"' in html


def test_the_reseller_filter_box_keeps_what_was_typed_request_after_request(provider, provider_admin, reseller,
                                                                            reseller_admin, monkeypatch):
    """The box is a cached fragment keyed on what was typed: each request shows its own text, escaped."""
    import re

    from django.utils.html import escape

    request, _raw = services.partnership_request_create(provider=provider, actor=provider_admin)
    _accept(request, reseller, reseller_admin)
    monkeypatch.setattr(selectors, "SELECT_LIMIT", 0)  # the box, not the drop-down
    client = client_for(provider_admin)
    for typed in ("Nobody", '"><i>x', "Nobody"):
        html = client.get("/customers/", {"reseller_q": typed}).content.decode()
        box = re.search(r'<input type="search"[^>]*id="reseller-filter"[^>]*>', html)
        assert box is not None and f'value="{escape(typed)}"' in box.group(0)
    html = client.get("/customers/", {"reseller_q": reseller.mpn_id}).content.decode()
    assert f'value="{reseller.mpn_id}"' in re.search(r'<input type="search"[^>]*id="reseller-filter"[^>]*>',
                                                     html).group(0)
