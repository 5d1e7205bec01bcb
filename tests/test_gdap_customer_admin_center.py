"""Admin center → Partner relationships with GDAP: each partner's relationships (status, roles, end date,
auto-extend), its pending requests (reviewed and approved without the mailed token), "Terminate" for the
customer's Global admin (confirmation, then the task completes it), read-only for a User, and every
customer-side GDAP route a 404 for another customer's ids."""

from __future__ import annotations

import pytest
from django.utils import timezone

from customers.services import reseller_relationship_ensure
from gdap import services
from gdap.models import AdminRelationship, AdminRelationshipRequest, RelationshipStatus
from partnercenter.models import ActivityLog
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member
from tests.test_gdap_customer_approval import gdap_request
from tests.test_gdap_lifecycle import DIRECTORY_READERS, GA, GLOBAL_READER
from tests.test_url_sweep import GDAP_CUSTOMER_ROUTES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


@pytest.fixture
def served(partner, customer):
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    return customer


def active(partner, actor, customer, name="Adatum helpdesk", **kwargs):
    rel, raw = gdap_request(partner, actor, customer, name=name, **kwargs)
    request = services.approval_submit(raw_token=raw, user=member(customer, Role.CUSTOMER_GLOBAL_ADMIN),
                                       customer=customer)
    services.approval_process(request_id=str(request.pk))
    rel.refresh_from_db()
    return rel


def test_the_page_lists_each_partners_gdap_relationships(partner, partner_admin, served, customer_admin):
    live = active(partner, partner_admin, served, roles=(DIRECTORY_READERS,), auto_extend="P180D")
    pending, _raw = gdap_request(partner, partner_admin, served, name="Adatum admins", roles=(GA,))
    services.relationship_create(partner=partner, actor=partner_admin, display_name="Draft only",
                                 roles=[GLOBAL_READER], duration="P5D", customer=served)
    body = client_for(customer_admin).get("/admin-center/").content.decode()
    assert "Delegated admin (DAP)" in body and "Granular admin relationships (GDAP)" in body
    assert "can be terminated here as well" in body  # the page's explanation of admin permissions
    assert "1 active" in body and "1 awaiting approval" in body
    from django.utils.formats import date_format

    assert "Adatum helpdesk" in body and date_format(timezone.localtime(live.end_at), "SHORT_DATE_FORMAT") in body
    assert "Adatum admins" in body and "Most powerful role" in body and "90 days after approval" in body
    assert "Draft only" not in body  # a customer never sees the partner's drafts
    assert f'href="/gdap/admin-center/relationships/{pending.pk}/approval/"' in body
    assert f'href="/gdap/admin-center/relationships/{live.pk}/terminate/"' in body


def test_a_partner_with_only_gdap_is_listed(partner, partner_admin, served, customer_admin):
    other = PartnerFactory(name="Litware Inc.")
    rel = services.relationship_create(partner=other, actor=None, display_name="Litware support",
                                       roles=[DIRECTORY_READERS], duration="P10D", customer=None)
    _r, _a, raw = services.lock_for_approval(rel, actor=None)
    services.approval_process(request_id=str(services.approval_submit(
        raw_token=raw, user=customer_admin, customer=served).pk))
    body = client_for(customer_admin).get("/admin-center/").content.decode()
    assert "Litware Inc." in body and "Litware support" in body and "No reseller relationship" in body


def test_a_customer_user_sees_it_read_only(partner, partner_admin, served):
    live = active(partner, partner_admin, served)
    pending, _raw = gdap_request(partner, partner_admin, served, name="Adatum admins")
    client = client_for(member(served, Role.CUSTOMER_USER))
    body = client.get("/admin-center/").content.decode()
    assert "Adatum helpdesk" in body and ">Terminate<" not in body and "Review request" not in body
    assert "Awaiting a Global admin’s approval" in body
    assert "Only a Global admin of your organisation can approve, reject or terminate admin relationships." in body
    terminate = f"/gdap/admin-center/relationships/{live.pk}/terminate/"
    assert client.get(terminate).status_code == 403 and client.post(terminate).status_code == 403
    review = f"/gdap/admin-center/relationships/{pending.pk}/approval/"
    page = client.get(review).content.decode()
    assert "You are signed in as a User" in page and ">Approve<" not in page
    assert client.post(review + "approve/").status_code == 403
    assert client.post(review + "reject/").status_code == 403
    live.refresh_from_db()
    pending.refresh_from_db()
    assert live.status == RelationshipStatus.ACTIVE and pending.status == RelationshipStatus.APPROVAL_PENDING


def test_a_global_admin_approves_a_pending_request_from_the_admin_center(partner, partner_admin, served,
                                                                        customer_admin,
                                                                        django_capture_on_commit_callbacks):
    pending, _raw = gdap_request(partner, partner_admin, served, name="Adatum admins")
    client = client_for(customer_admin)
    review = f"/gdap/admin-center/relationships/{pending.pk}/approval/"
    page = client.get(review).content.decode()
    assert "Granular admin relationship request" in page and f'action="{review}approve/"' in page
    with django_capture_on_commit_callbacks(execute=True):
        location = client.post(review + "approve/")["Location"]
    assert "Done. The admin relationship is active until" in client.get(location).content.decode()
    pending.refresh_from_db()
    assert pending.status == RelationshipStatus.ACTIVE


def test_a_global_admin_rejects_a_pending_request_from_the_admin_center(partner, partner_admin, served,
                                                                       customer_admin):
    pending, _raw = gdap_request(partner, partner_admin, served, name="Adatum admins")
    client = client_for(customer_admin)
    review = f"/gdap/admin-center/relationships/{pending.pk}/approval/"
    assert "gets none of the requested roles" in client.get(review + "reject/").content.decode()
    assert client.post(review + "reject/")["Location"] == "/admin-center/"
    pending.refresh_from_db()
    assert pending.status == RelationshipStatus.TERMINATED and pending.terminated_side == "customer"
    closed = client.get(review)
    assert closed.status_code == 410 and "was rejected" in closed.content.decode()


def test_terminate_asks_then_ends_the_relationship(partner, partner_admin, served, customer_admin,
                                                   django_capture_on_commit_callbacks):
    live = active(partner, partner_admin, served, roles=(DIRECTORY_READERS, GLOBAL_READER))
    group = services.group_create(partner=partner, actor=partner_admin, name="Helpdesk")
    services.assignment_create(live, actor=partner_admin, security_group=group, roles=[DIRECTORY_READERS])
    client = client_for(customer_admin)
    url = f"/gdap/admin-center/relationships/{live.pk}/terminate/"
    confirm = client.get(url).content.decode()
    assert "Terminate “Adatum helpdesk” of" in confirm and "loses these roles in your organisation at once" in confirm
    assert "Directory Readers" in confirm and "The access of 1 security group of the partner ends with it." in confirm
    live.refresh_from_db()
    assert live.status == RelationshipStatus.ACTIVE  # the confirmation changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == "/admin-center/"
    assert "is terminated: it no longer gives" in response.content.decode()
    live.refresh_from_db()
    assert live.status == RelationshipStatus.TERMINATED and live.terminated_side == "customer"
    assert live.terminated_by == customer_admin
    assert ActivityLog.objects.filter(tenant=served, kind="gdap.terminated").count() == 1
    # Terminated: no button any more, and the page says there is nothing to terminate.
    assert f'href="{url}"' not in response.content.decode()
    again = client.get(url, follow=True)
    assert "is not active: there is nothing to terminate" in again.content.decode()
    assert client.post(url, follow=True).status_code == 200  # a second post: a message, never a 500
    assert AdminRelationshipRequest.objects.filter(relationship=live, action="terminate").count() == 1


def test_another_customers_ids_are_404(partner, partner_admin, served, customer_admin,
                                       django_capture_on_commit_callbacks):
    live = active(partner, partner_admin, served)
    pending, raw = gdap_request(partner, partner_admin, served, name="Adatum admins")
    with django_capture_on_commit_callbacks(execute=False):
        answer = services.approval_submit(raw_token=raw, user=customer_admin, customer=served)
    urls = {
        "gdap/admin-center/relationships/<uuid:relationship_id>/approval/":
            f"/gdap/admin-center/relationships/{pending.pk}/approval/",
        "gdap/admin-center/relationships/<uuid:relationship_id>/approval/approve/":
            f"/gdap/admin-center/relationships/{pending.pk}/approval/approve/",
        "gdap/admin-center/relationships/<uuid:relationship_id>/approval/reject/":
            f"/gdap/admin-center/relationships/{pending.pk}/approval/reject/",
        "gdap/admin-center/relationships/<uuid:relationship_id>/terminate/":
            f"/gdap/admin-center/relationships/{live.pk}/terminate/",
        "gdap/admin-center/requests/<uuid:request_id>/": f"/gdap/admin-center/requests/{answer.pk}/",
    }
    assert set(urls) == GDAP_CUSTOMER_ROUTES
    before = (list(AdminRelationship.objects.order_by("pk").values_list("status", "version")),
              AdminRelationshipRequest.objects.count(), ActivityLog.objects.count())
    other_customer = TenantFactory()
    for intruder in (member(other_customer, Role.CUSTOMER_GLOBAL_ADMIN), member(other_customer, Role.CUSTOMER_USER),
                     partner_admin):
        client = client_for(intruder)
        for url in urls.values():
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                # A User lacks the permission of some routes: 403 before any look-up, which tells nothing.
                allowed = {403, 404} if intruder.memberships.get().role == Role.CUSTOMER_USER else {404}
                assert status in allowed, (intruder.email, method, url, status)
    after = (list(AdminRelationship.objects.order_by("pk").values_list("status", "version")),
             AdminRelationshipRequest.objects.count(), ActivityLog.objects.count())
    assert after == before


def test_the_demo_shows_every_state_on_adatums_partner_relationships(db):
    from partnercenter.demo import demo_load
    from partnercenter.models import Tenant, User

    assert demo_load() is True
    adatum = Tenant.objects.get(primary_domain="adatum.example")
    statuses = {"Adatum full administration": RelationshipStatus.APPROVAL_PENDING,
                "Adatum helpdesk": RelationshipStatus.ACTIVE, "Adatum pilot": RelationshipStatus.TERMINATED}
    stored = dict(AdminRelationship.objects.filter(customer=adatum).values_list("display_name", "status"))
    assert statuses.items() <= stored.items()  # the partner pages' demo adds relationships of its own
    body = client_for(User.objects.get(email="admin@adatum.example")).get("/admin-center/").content.decode()
    assert all(name in body for name in statuses)  # the admin reads German: the actions by their routes
    assert "/approval/" in body and "/terminate/" in body
