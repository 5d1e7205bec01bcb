"""Admin center → Partner relationships: the list, "Remove delegated admin", "Reassign admin
permissions" — rules, roles, tenant isolation, stale pages and bad input."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.admin_center import services as dap_services
from customers.admin_center.selectors import partner_relationships
from customers.models import DelegatedAdminPermission, RelationshipStatus, ResellerRelationship, Service
from customers.services import dap_grant, reseller_association_ensure, reseller_relationship_ensure
from partnercenter.errors import DomainError
from partnercenter.models import ActivityKind, ActivityLog, OutboxEmail, PartnerType
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member

ALL = list(Service.values)


def active_dap(customer) -> dict[str, str]:  # noqa: ANN001
    return {row.service: row.partner.name for row in DelegatedAdminPermission.objects.filter(
        customer=customer, status=RelationshipStatus.ACTIVE).select_related("partner")}


@pytest.fixture
def setup(db):  # noqa: ANN001, ANN201
    customer = TenantFactory(name="Adatum AG")
    admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)
    contoso = PartnerFactory(name="Contoso Cloud GmbH")
    fabrikam = PartnerFactory(name="Fabrikam Kft.", country="HU")
    reseller_relationship_ensure(partner=contoso, customer=customer, actor=None)
    reseller_relationship_ensure(partner=fabrikam, customer=customer, actor=None)
    dap_grant(partner=contoso, customer=customer, services=ALL, reassign=False, actor=None)
    return customer, admin, contoso, fabrikam


def remove_url(partner) -> str:  # noqa: ANN001
    return f"/admin-center/partners/{partner.id}/remove-delegated-admin/"


def reassign_url(partner) -> str:  # noqa: ANN001
    return f"/admin-center/partners/{partner.id}/reassign-admin-permissions/"


# --- the page --------------------------------------------------------------------------------------


def _queries(client) -> int:  # noqa: ANN001
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/admin-center/").status_code == 200
    return len(captured)


def test_page_lists_every_partner_with_relationships_dap_and_contact(setup):
    customer, admin, contoso, fabrikam = setup
    provider = PartnerFactory(name="Provider Kft.", partner_type=PartnerType.INDIRECT_PROVIDER)
    tailspin = PartnerFactory(name="Tailspin Bt.", partner_type=PartnerType.INDIRECT_RESELLER)
    reseller_relationship_ensure(partner=provider, customer=customer, actor=None)
    reseller_relationship_ensure(partner=tailspin, customer=customer, actor=None)
    reseller_association_ensure(customer=customer, reseller=tailspin, provider=provider, actor=None)
    items = {item.partner.name: item for item in partner_relationships(customer=customer)}
    assert [s.service for s in items["Contoso Cloud GmbH"].dap] == ALL
    assert items["Tailspin Bt."].via_providers == [provider] and items["Fabrikam Kft."].dap == []
    page = client_for(admin).get("/admin-center/").content.decode()
    assert "Reseller via indirect provider Provider Kft." in page
    assert f"support@{contoso.primary_domain}" in page and "since" in page
    assert page.count("Remove delegated admin") == 1 and page.count("Reassign admin permissions") == 1
    assert remove_url(contoso) in page and reassign_url(contoso) in page
    before = _queries(client_for(admin))
    for _ in range(3):
        more = PartnerFactory()
        reseller_relationship_ensure(partner=more, customer=customer, actor=None)
    assert _queries(client_for(admin)) == before  # constant: does not grow with the partners


def test_customer_user_sees_it_read_only_and_gets_403_on_the_actions(setup):
    customer, _admin, contoso, fabrikam = setup
    user = client_for(member(customer, Role.CUSTOMER_USER))
    page = user.get("/admin-center/").content.decode()
    assert "Contoso Cloud GmbH" in page and "Remove delegated admin" not in page and "Reassign" not in page
    for url in (remove_url(contoso), reassign_url(contoso)):
        assert user.get(url).status_code == 403
        assert user.post(url, {"services": ALL, "new_partner": str(fabrikam.id)}).status_code == 403
    assert len(active_dap(customer)) == 3


def test_acceptance_page_links_to_partner_relationships(customer_admin, partner, partner_admin):
    from invitations.services import invitation_create

    _request, raw = invitation_create(partner=partner, actor=partner_admin, include_dap=True)
    page = client_for(customer_admin).get(f"/admin-center/partner-request/{raw}/").content.decode()
    assert 'href="/admin-center/">Partner relationships</a>' in page


# --- Remove delegated admin --------------------------------------------------------------------------


def test_remove_defaults_to_all_services_and_keeps_the_reseller(setup):
    customer, admin, contoso, _fabrikam = setup
    agent = member(contoso, Role.ADMIN_AGENT, language="de")
    member(contoso, Role.SALES_AGENT)  # neither Global admin nor Admin agent: no mail
    client = client_for(admin)
    page = client.get(remove_url(contoso)).content.decode()
    assert page.count(" checked") == 3 and ">Remove<" in page and "Cancel" in page
    response = client.post(remove_url(contoso), {"services": ALL})
    assert response.status_code == 302 and response["Location"] == "/admin-center/"
    assert active_dap(customer) == {}
    assert ResellerRelationship.objects.filter(partner=contoso, customer=customer, status="active").exists()
    for tenant in (contoso, customer):
        entry = ActivityLog.objects.get(tenant=tenant, kind=ActivityKind.DAP_REMOVED)
        assert entry.actor == admin and sorted(entry.data["services"]) == sorted(ALL)
    mails = {m.to_email: m for m in OutboxEmail.objects.filter(kind="dap_removed")}
    assert set(mails) == {agent.email}  # the factory's partner has no other Global admin or Admin agent
    assert mails[agent.email].language == "de" and "Adatum AG" in mails[agent.email].subject
    assert "Guten Tag," in mails[agent.email].body and "Produktivitätssuite" in mails[agent.email].body


def test_remove_mails_global_admins_and_admin_agents_each_in_their_language(setup):
    customer, admin, contoso, _fabrikam = setup
    ga = member(contoso, Role.GLOBAL_ADMIN, language="hu")
    agent = member(contoso, Role.ADMIN_AGENT, language="en")
    helpdesk = member(contoso, Role.HELPDESK_AGENT)
    dap_services.dap_remove(customer=customer, partner=contoso, services=[Service.PRODUCTIVITY], actor=admin)
    mails = {m.to_email: m for m in OutboxEmail.objects.filter(kind="dap_removed")}
    assert set(mails) == {ga.email, agent.email} and helpdesk.email not in mails
    assert mails[ga.email].language == "hu" and mails[agent.email].language == "en"
    assert "Productivity suite" in mails[agent.email].body and "Hatékonysági csomag" in mails[ga.email].body
    assert set(active_dap(customer)) == {Service.BUSINESS_APPS, Service.INFRASTRUCTURE}


def test_remove_only_the_chosen_services(setup):
    customer, admin, contoso, _fabrikam = setup
    response = client_for(admin).post(remove_url(contoso), {"services": [Service.INFRASTRUCTURE]})
    assert response.status_code == 302
    assert set(active_dap(customer)) == {Service.PRODUCTIVITY, Service.BUSINESS_APPS}


@pytest.mark.parametrize("services", [[], ["nonsense"], [Service.PRODUCTIVITY, "x" * 5000]])
def test_remove_bad_input_is_shown_beside_the_field(setup, services):
    customer, admin, contoso, _fabrikam = setup
    response = client_for(admin).post(remove_url(contoso), {"services": services})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="services-error"' in page and "Choose at least one service." in page
    assert len(active_dap(customer)) == 3 and not ActivityLog.objects.filter(kind=ActivityKind.DAP_REMOVED).exists()


def test_stale_remove_page_says_what_changed(setup):
    customer, admin, contoso, _fabrikam = setup
    client = client_for(admin)
    dap_services.dap_remove(customer=customer, partner=contoso, services=ALL, actor=admin)  # another tab
    response = client.post(remove_url(contoso), {"services": ALL})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Contoso Cloud GmbH no longer holds admin permissions for the services you chose." in page
    assert client.get(remove_url(contoso)).status_code == 200
    assert "holds no admin permissions for your organisation" in client.get(remove_url(contoso)).content.decode()
    assert ActivityLog.objects.filter(kind=ActivityKind.DAP_REMOVED, tenant=customer).count() == 1


def test_another_tenants_partner_id_is_404(setup):
    customer, admin, _contoso, _fabrikam = setup
    stranger = PartnerFactory()
    other_customer = TenantFactory()
    reseller_relationship_ensure(partner=stranger, customer=other_customer, actor=None)
    dap_grant(partner=stranger, customer=other_customer, services=ALL, reassign=False, actor=None)
    client = client_for(admin)
    for url in (remove_url(stranger), reassign_url(stranger), remove_url(other_customer), remove_url(customer),
                "/admin-center/partners/00000000-0000-0000-0000-000000000000/remove-delegated-admin/"):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"services": ALL, "new_partner": str(stranger.id)}).status_code == 404, url
    assert len(active_dap(other_customer)) == 3


def test_partner_users_get_404_on_the_customer_pages(setup):
    _customer, _admin, contoso, _fabrikam = setup
    partner_client = client_for(member(contoso, Role.GLOBAL_ADMIN))
    assert partner_client.get(remove_url(contoso)).status_code == 404
    assert partner_client.post(reassign_url(contoso), {"services": ALL}).status_code == 404


def test_service_refuses_an_actor_who_is_not_a_customer_global_admin(setup):
    customer, _admin, contoso, _fabrikam = setup
    with pytest.raises(DomainError) as info:
        dap_services.dap_remove(customer=customer, partner=contoso, services=ALL,
                                actor=member(customer, Role.CUSTOMER_USER))
    assert info.value.code == "forbidden" and len(active_dap(customer)) == 3


# --- Reassign admin permissions ----------------------------------------------------------------------


def test_reassign_moves_the_service_to_another_reseller(setup):
    customer, admin, contoso, fabrikam = setup
    member(contoso, Role.GLOBAL_ADMIN)
    client = client_for(admin)
    page = client.get(reassign_url(contoso)).content.decode()
    assert "New admin partner" in page and str(fabrikam.id) in page and str(contoso.id) not in page.split(
        'id="new-partner"')[1].split("</select>")[0]
    response = client.post(reassign_url(contoso), {"services": [Service.PRODUCTIVITY], "new_partner": str(fabrikam.id)})
    assert response.status_code == 302
    assert active_dap(customer) == {Service.PRODUCTIVITY: "Fabrikam Kft.", Service.BUSINESS_APPS: "Contoso Cloud GmbH",
                                    Service.INFRASTRUCTURE: "Contoso Cloud GmbH"}
    assert ResellerRelationship.objects.filter(customer=customer, status="active").count() == 2
    kinds = set(ActivityLog.objects.filter(tenant=customer).values_list("kind", flat=True))
    assert {ActivityKind.DAP_REMOVED, ActivityKind.DAP_GRANTED} <= kinds
    assert ActivityLog.objects.filter(tenant=contoso, kind=ActivityKind.DAP_REMOVED).exists()
    assert ActivityLog.objects.filter(tenant=fabrikam, kind=ActivityKind.DAP_GRANTED, actor=admin).exists()
    assert OutboxEmail.objects.filter(kind="dap_removed", tenant=contoso).count() == 1


def test_reassign_bad_input_beside_the_fields(setup):
    customer, admin, contoso, fabrikam = setup
    client = client_for(admin)
    response = client.post(reassign_url(contoso), {"services": [], "new_partner": ""})
    page = response.content.decode()
    assert response.status_code == 400 and 'id="services-error"' in page and 'id="new-partner-error"' in page
    assert "Choose the partner that gets the admin permissions." in page
    response = client.post(reassign_url(contoso), {"services": ALL, "new_partner": "not-a-uuid"})
    assert response.status_code == 400 and 'id="new-partner-error"' in response.content.decode()
    response = client.post(reassign_url(contoso), {"services": ALL, "new_partner": str(contoso.id)})
    assert response.status_code == 400
    assert "Choose another partner than the current admin partner." in response.content.decode()
    # Another tenant's partner in the form body is a 404 like in the path.
    assert client.post(reassign_url(contoso), {"services": ALL, "new_partner": str(PartnerFactory().id)}
                       ).status_code == 404
    assert len(active_dap(customer)) == 3 and active_dap(customer)[Service.PRODUCTIVITY] == "Contoso Cloud GmbH"


def test_reassign_to_a_partner_whose_relationship_ended_is_refused_beside_the_field(setup):
    customer, admin, contoso, fabrikam = setup
    ResellerRelationship.objects.filter(partner=fabrikam, customer=customer).update(
        status=RelationshipStatus.REMOVED, removed_at=timezone.now())
    response = client_for(admin).post(reassign_url(contoso), {"services": ALL, "new_partner": str(fabrikam.id)})
    assert response.status_code == 409
    page = response.content.decode()
    assert 'id="new-partner-error"' in page and "Fabrikam Kft. is no longer a reseller of your organisation." in page
    assert set(active_dap(customer).values()) == {"Contoso Cloud GmbH"}


def test_stale_reassign_page_says_what_changed(setup):
    customer, admin, contoso, fabrikam = setup
    dap_services.dap_remove(customer=customer, partner=contoso, services=[Service.PRODUCTIVITY], actor=admin)
    response = client_for(admin).post(reassign_url(contoso), {"services": [Service.PRODUCTIVITY],
                                                              "new_partner": str(fabrikam.id)})
    assert response.status_code == 409
    assert "no longer holds admin permissions for the services you chose" in response.content.decode()
    assert Service.PRODUCTIVITY not in active_dap(customer)


def test_one_admin_partner_per_service_is_a_database_constraint(setup):
    customer, _admin, _contoso, fabrikam = setup
    with pytest.raises(IntegrityError), transaction.atomic():
        DelegatedAdminPermission.objects.create(partner=fabrikam, customer=customer, service=Service.PRODUCTIVITY)


def test_reassign_button_only_when_another_reseller_exists(db):
    customer = TenantFactory()
    admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)
    only = PartnerFactory()
    reseller_relationship_ensure(partner=only, customer=customer, actor=None)
    dap_grant(partner=only, customer=customer, services=ALL, reassign=False, actor=None)
    page = client_for(admin).get("/admin-center/").content.decode()
    assert "Remove delegated admin" in page and "Reassign admin permissions" not in page
    page = client_for(admin).get(reassign_url(only)).content.decode()
    assert "No other partner is your reseller." in page


def test_demo_lets_adatum_reassign_contosos_admin_permissions_to_fabrikam(db):
    from partnercenter.demo import demo_load
    from partnercenter.models import Tenant, User

    assert demo_load() is True
    adatum = Tenant.objects.get(primary_domain="adatum.example")
    contoso, fabrikam = (Tenant.objects.get(primary_domain=d) for d in ("contoso.example", "fabrikam.example"))
    client = client_for(User.objects.get(email="admin@adatum.example"))
    page = client.get("/admin-center/").content.decode()
    assert reassign_url(contoso) in page and remove_url(contoso) in page
    assert str(fabrikam.id) in client.get(reassign_url(contoso)).content.decode()
    assert demo_load() is False  # still loaded once
    assert ResellerRelationship.objects.filter(customer=adatum, status="active").count() == 2


def test_reassign_is_refused_in_the_us_government_cloud(db):
    from partnercenter.models import Cloud

    customer = TenantFactory(country="US", cloud=Cloud.USGOV)
    admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)
    old, new = PartnerFactory(country="US", cloud=Cloud.USGOV), PartnerFactory(country="US", cloud=Cloud.USGOV)
    for partner in (old, new):
        reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    # Rows from before the rule (or an operator): the customer may remove them but not move them.
    DelegatedAdminPermission.objects.create(partner=old, customer=customer, service=Service.PRODUCTIVITY)
    with pytest.raises(DomainError) as info:
        dap_services.dap_reassign(customer=customer, partner=old, new_partner=new, services=ALL, actor=admin)
    assert info.value.code == "us_government" and info.value.field == "new_partner"
    assert dap_services.dap_remove(customer=customer, partner=old, services=ALL, actor=admin) == [Service.PRODUCTIVITY]
