"""Partner GDAP pages: who sees and who acts (per role), another tenant's ids are 404 everywhere (GET and
POST, path, query string and form body), the links from the customer's Account page and row."""

from __future__ import annotations

import pytest
from django.utils import timezone

from gdap import services
from gdap.models import AccessAssignment, AdminRelationship, GdapApproval
from partnercenter.models import ActivityLog, OutboxEmail
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member
from tests.gdap_partner_support import DIRECTORY_READERS, approval_urls, build_world, world  # noqa: F401
from tests.test_url_sweep import GDAP_PARTNER_ROUTES, TENANT_OBJECT

pytestmark = pytest.mark.django_db


def _urls(w) -> dict[str, tuple[str, str]]:  # noqa: ANN001
    """route → (url, the permission class "view" or "manage")."""
    assignment = services.assignment_create(w.active, actor=w.admin, security_group=w.group, roles=[DIRECTORY_READERS])
    rel, pend = f"/gdap/relationships/{w.active.id}/", f"/gdap/relationships/{w.pending.id}/"
    return {
        "gdap/customers/<uuid:customer_id>/": (f"/gdap/customers/{w.customer.id}/", "view"),
        "gdap/customers/<uuid:customer_id>/request/": (f"/gdap/customers/{w.customer.id}/request/", "manage"),
        "gdap/relationships/<uuid:relationship_id>/": (rel, "view"),
        "gdap/relationships/<uuid:relationship_id>/draft/": (pend + "draft/", "manage"),
        "gdap/relationships/<uuid:relationship_id>/send/": (pend + "send/", "manage"),
        "gdap/relationships/<uuid:relationship_id>/edit/": (rel + "edit/", "manage"),
        "gdap/relationships/<uuid:relationship_id>/remove-global-administrator/": (
            rel + "remove-global-administrator/", "manage"),
        "gdap/relationships/<uuid:relationship_id>/terminate/": (rel + "terminate/", "manage"),
        "gdap/relationships/<uuid:relationship_id>/assignments/add/": (rel + "assignments/add/", "manage"),
        "gdap/assignments/<uuid:assignment_id>/edit/": (f"/gdap/assignments/{assignment.id}/edit/", "manage"),
        "gdap/assignments/<uuid:assignment_id>/remove/": (f"/gdap/assignments/{assignment.id}/remove/", "manage"),
    }


@pytest.mark.parametrize("role, sees, acts", [
    (Role.GLOBAL_ADMIN, True, True), (Role.ADMIN_AGENT, True, True), (Role.HELPDESK_AGENT, True, False),
    (Role.SALES_AGENT, False, False), (Role.BILLING_ADMIN, False, False),
])
def test_each_page_per_role(world, role, sees, acts):  # noqa: F811
    urls = _urls(world)
    client = client_for(member(world.partner, role))
    for route, (url, needs) in urls.items():
        allowed = sees if needs == "view" else acts
        response = client.get(url)
        if not allowed:
            assert response.status_code == 403, (role, url)
            assert client.post(url, {}).status_code == 403, (role, url)
        elif route.endswith("/send/"):
            assert response.status_code == 405
        elif route.startswith("gdap/relationships/") and route.endswith(("/draft/", "/edit/")):
            assert response.status_code == 302  # the draft of another session is not open; edit is POST only
        else:
            assert response.status_code == 200, (role, url, response.status_code)
    page = client.get(urls["gdap/relationships/<uuid:relationship_id>/"][0]).content.decode() if sees else ""
    for label in ("Add security group", "Terminate", "Remove Global Administrator"):
        assert (label in page) is acts, (role, label)
    if sees:
        customer_page = client.get(f"/gdap/customers/{world.customer.id}/").content.decode()
        assert ("Request admin relationship" in customer_page) is acts


def test_the_sweep_tables_name_every_partner_gdap_route(world):  # noqa: F811
    assert set(_urls(world)) == GDAP_PARTNER_ROUTES
    assert "gdap/request/" not in TENANT_OBJECT  # no parameter: covered by the sweep's list test


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("approval_urls")
def test_another_tenants_ids_are_404_everywhere(partner, partner_admin, customer):
    w = build_world(partner, partner_admin, customer)
    urls = _urls(w)
    template = services.template_save(partner=partner, actor=partner_admin, name="Support", roles=[DIRECTORY_READERS],
                                      duration="P30D")
    intruder_partner = PartnerFactory()
    intruder = member(intruder_partner, Role.GLOBAL_ADMIN)
    intruders = [intruder, member(TenantFactory(), Role.CUSTOMER_GLOBAL_ADMIN), w.customer_admins[0]]

    def snapshot() -> tuple:
        return (list(AdminRelationship.objects.order_by("id").values_list("id", "version", "status")),
                list(AccessAssignment.objects.order_by("id").values_list("id", "version", "status")),
                list(GdapApproval.objects.order_by("id").values_list("status", "sent_at")),
                ActivityLog.objects.count(), OutboxEmail.objects.count())

    body = {"display_name": "Taken over", "roles": [DIRECTORY_READERS], "preset": "30", "auto_extend": "on",
            "etag": w.active.etag, "security_group": str(w.group.id), "subject": "x", "body": "x", "token": "x",
            "email": "x@example.com"}
    before = snapshot()
    for user in intruders:
        client = client_for(user)
        for url, _needs in urls.values():
            for method in ("get", "post"):
                response = getattr(client, method)(url, body)
                assert response.status_code == 404, (user.email, method, url, response.status_code)
        assert client.get(f"/gdap/request/?from={w.active.id}").status_code == 404
    assert snapshot() == before
    # The intruder partner's own pages with the owner's ids in the query string and the form body.
    client = client_for(intruder)
    intruder_customer = TenantFactory()
    from customers.services import reseller_relationship_ensure

    reseller_relationship_ensure(partner=intruder_partner, customer=intruder_customer, actor=None)
    request_url = f"/gdap/customers/{intruder_customer.id}/request/"
    assert client.get(f"{request_url}?from={w.active.id}").status_code == 404
    assert client.get(f"{request_url}?template={template.id}").status_code == 404
    assert client.post(request_url, {**body, "template": str(template.id)}).status_code == 404
    assert client.get(request_url + "?template=not-a-uuid").status_code == 404
    own, raw = services.request_relationship(partner=intruder_partner, actor=intruder, customer=intruder_customer,
                                             display_name="Own", roles=[DIRECTORY_READERS], duration=30)
    customer_admin = member(intruder_customer, Role.CUSTOMER_GLOBAL_ADMIN)
    services.approval_process(request_id=str(services.approval_submit(raw_token=raw, user=customer_admin,
                                                                      customer=intruder_customer).pk))
    response = client.post(f"/gdap/relationships/{own.id}/assignments/add/",
                           {"security_group": str(w.group.id), "roles": [DIRECTORY_READERS]})
    assert response.status_code == 404  # the owner's security group in the intruder's form
    assert not AccessAssignment.objects.filter(relationship=own).exists()


def test_the_account_page_and_the_customer_row_link_to_admin_relationships(world):  # noqa: F811
    href = f"/gdap/customers/{world.customer.id}/"
    for role, shown in ((Role.GLOBAL_ADMIN, True), (Role.HELPDESK_AGENT, True), (Role.SALES_AGENT, False)):
        client = client_for(member(world.partner, role))
        account = client.get(f"/customers/{world.customer.id}/account/").content.decode()
        row = client.get(f"/customers/{world.customer.id}/row/").content.decode()
        assert (href in account) is shown and (href in row) is shown, role


def test_the_customer_page_lists_dap_gdap_and_assignments(world):  # noqa: F811
    from customers.models import Service
    from customers.services import dap_grant

    dap_grant(partner=world.partner, customer=world.customer, services=[Service.values[0]], reassign=False, actor=None)
    services.assignment_create(world.active, actor=world.admin, security_group=world.group, roles=[DIRECTORY_READERS])
    page = client_for(world.admin).get(f"/gdap/customers/{world.customer.id}/").content.decode()
    for text in ("Adatum pending", "Adatum support", "Approval pending", "Active", "Global Administrator",
                 "Most powerful", "Helpdesk tier 1", "Directory Readers", str(Service.labels[0]),
                 timezone.localtime(world.active.end_at).strftime("%m/%d/%Y")):
        assert text in page, text


@pytest.mark.usefixtures("approval_urls")
def test_the_empty_state_offers_the_request(partner, partner_admin, customer):
    from customers.services import reseller_relationship_ensure

    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    page = client_for(partner_admin).get(f"/gdap/customers/{customer.id}/").content.decode()
    assert "No granular admin relationships with this customer yet." in page
    assert f'href="/gdap/customers/{customer.id}/request/"' in page
    assert "You hold no delegated admin permissions for this customer." in page


@pytest.mark.usefixtures("approval_urls")
def test_the_demo_has_active_expiring_and_pending_relationships_and_groups():
    from gdap.models import RelationshipStatus, SecurityGroup
    from partnercenter.demo import demo_load
    from partnercenter.models import Tenant, User

    assert demo_load() is True
    contoso = Tenant.objects.get(primary_domain="contoso.example")
    statuses = set(AdminRelationship.objects.filter(partner=contoso).values_list("status", flat=True))
    assert statuses >= {RelationshipStatus.ACTIVE, RelationshipStatus.EXPIRING, RelationshipStatus.APPROVAL_PENDING}
    assert SecurityGroup.objects.filter(partner=contoso).count() == 4
    assert AccessAssignment.objects.filter(relationship__partner=contoso, status="active").count() == 3
    client = client_for(User.objects.get(email="admin@contoso.example"))
    for rel in AdminRelationship.objects.filter(partner=contoso):
        assert client.get(f"/gdap/customers/{rel.customer_id}/").status_code == 200
        assert rel.display_name in client.get(f"/gdap/relationships/{rel.id}/").content.decode()
