"""Admin center → "Granular admin relationship request": who may approve or reject (customer Global
admin yes; customer User, partner user, another customer's admin no), the reasons of expired, withdrawn
and answered links (and nothing changes), "Processing…" through eager tasks, the page in de and hu."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from customers.services import reseller_relationship_ensure
from gdap import services
from gdap.models import (
    AdminRelationship,
    AdminRelationshipRequest,
    GdapApproval,
    RelationshipStatus,
)
from partnercenter.models import ActivityLog
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import TenantFactory, member
from tests.test_gdap_lifecycle import DIRECTORY_READERS, GA, GLOBAL_READER

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


@pytest.fixture
def served(partner, customer):
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    return customer


def gdap_request(partner, actor, customer, roles=(DIRECTORY_READERS, GLOBAL_READER), name="Adatum support",
                 duration="P90D", **kwargs):
    return services.request_relationship(partner=partner, actor=actor, customer=customer, display_name=name,
                                         roles=list(roles), duration=duration, **kwargs)


def page_url(raw: str) -> str:
    return f"/gdap/approval/{raw}/"


def state(rel: AdminRelationship) -> tuple:
    """What an answer could change: the relationship, its link, its requests and the activity log."""
    rel.refresh_from_db()
    return (rel.status, rel.version, list(GdapApproval.objects.filter(relationship=rel).values_list("status")),
            AdminRelationshipRequest.objects.filter(relationship=rel).count(), ActivityLog.objects.count())


def test_the_link_kind_opens_this_page(partner, partner_admin, served):
    from links.kinds import link_path

    _rel, raw = gdap_request(partner, partner_admin, served)
    assert link_path("gdap_approval", raw) == page_url(raw)


def test_the_page_shows_partner_roles_duration_and_end_date(partner, partner_admin, served, customer_admin):
    rel, raw = gdap_request(partner, partner_admin, served, roles=(GA, DIRECTORY_READERS), duration="P30D")
    body = client_for(customer_admin).get(page_url(raw)).content.decode()
    assert "Granular admin relationship request" in body and "Adatum support" in body
    assert partner.profile.support_email in body and partner.profile.phone in body and partner.mpn_id in body
    assert "30 days" in body and "Global Administrator" in body and "Most powerful role" in body
    assert "Directory Readers" in body and "Reads basic directory information" in body
    end = timezone.localtime(timezone.now() + timedelta(days=30)).date()  # the page shows local dates
    from django.utils.formats import date_format

    assert date_format(end, "DATE_FORMAT") in body
    assert 'action="/gdap/approval/' in body and ">Approve<" in body and ">Reject<" in body
    assert rel.status == RelationshipStatus.APPROVAL_PENDING


def test_a_signed_out_visitor_is_asked_to_sign_in_and_comes_back(partner, partner_admin, served):
    _rel, raw = gdap_request(partner, partner_admin, served)
    client = Client()
    body = client.get(page_url(raw)).content.decode()
    assert f"/accounts/login/?next=/gdap/approval/{raw}/" in body and ">Approve<" not in body
    response = client.post(page_url(raw) + "approve/")
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={page_url(raw)}"


def test_a_global_admin_approves_and_processing_shows_the_result(partner, partner_admin, served, customer_admin,
                                                                 django_capture_on_commit_callbacks):
    rel, raw = gdap_request(partner, partner_admin, served)
    client = client_for(customer_admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(page_url(raw) + "approve/")
    answer = AdminRelationshipRequest.objects.get(relationship=rel, action="approve")
    assert response.status_code == 302 and response["Location"] == f"/gdap/admin-center/requests/{answer.pk}/"
    body = client.get(response["Location"]).content.decode()
    assert "Processing…" in body and 'hx-trigger="every 1s"' in body
    # A double click gives the same pending request, and the same page.
    assert client.post(page_url(raw) + "approve/")["Location"] == response["Location"]
    assert len(callbacks) == 1
    callbacks[0]()  # the eager task runs (CELERY_TASK_ALWAYS_EAGER)
    rel.refresh_from_db()
    assert rel.status == RelationshipStatus.ACTIVE
    partial = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "Processing…" not in partial and "hx-trigger" not in partial
    from django.utils.formats import date_format

    assert "Done. The admin relationship is active until " + date_format(timezone.localtime(rel.end_at), "DATE_FORMAT") in partial
    # The link is answered now: its page says so to the customer.
    response = client.get(page_url(raw))
    assert response.status_code == 410 and "has already been approved" in response.content.decode()


def test_the_result_of_a_refused_approval_is_worded(partner, partner_admin, served, customer_admin,
                                                   django_capture_on_commit_callbacks):
    rel, raw = gdap_request(partner, partner_admin, served)
    client = client_for(customer_admin)
    with django_capture_on_commit_callbacks(execute=False):
        location = client.post(page_url(raw) + "approve/")["Location"]
    # The partner terminates before the task gets to it: the task refuses.
    with django_capture_on_commit_callbacks(execute=False):
        services.terminate(rel, actor=partner_admin, side="partner")
    answer = AdminRelationshipRequest.objects.get(relationship=rel, action="approve")
    assert services.approval_process(request_id=str(answer.pk)) == "failed"
    body = client.get(location).content.decode()
    assert "The admin relationship could not be approved." in body
    assert f"{partner.name} withdrew this request before your approval was processed. Nothing was granted." in body


@pytest.mark.parametrize("who", ["customer user", "partner user", "other customer admin"])
def test_only_the_customers_global_admin_may_answer(partner, partner_admin, served, who):
    rel, raw = gdap_request(partner, partner_admin, served)
    user = {"customer user": lambda: member(served, Role.CUSTOMER_USER),
            "partner user": lambda: partner_admin,
            "other customer admin": lambda: member(TenantFactory(), Role.CUSTOMER_GLOBAL_ADMIN)}[who]()
    client = client_for(user)
    before = state(rel)
    page = client.get(page_url(raw))
    body = page.content.decode()
    assert page.status_code == 200 and ">Approve<" not in body
    reason = {"customer user": "Only a Global admin of your organisation can approve or reject",
              "partner user": "This page is for the customer",
              "other customer admin": "This request is addressed to another organisation"}[who]
    assert reason in body
    for suffix in ("approve/", "reject/"):
        response = client.post(page_url(raw) + suffix, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == page_url(raw)
    assert client.get(page_url(raw) + "reject/")["Location"] == page_url(raw)  # no confirmation for them
    assert state(rel) == before


def test_reject_asks_for_confirmation_then_ends_the_request(partner, partner_admin, served, customer_admin):
    rel, raw = gdap_request(partner, partner_admin, served)
    client = client_for(customer_admin)
    confirm = client.get(page_url(raw) + "reject/").content.decode()
    assert "Reject “Adatum support” of" in confirm and "gets none of the requested roles" in confirm
    assert rel.status == RelationshipStatus.APPROVAL_PENDING
    response = client.post(page_url(raw) + "reject/", follow=True)
    assert response.redirect_chain[-1][0] == "/admin-center/"
    assert "You rejected the admin relationship “Adatum support”" in response.content.decode()
    rel.refresh_from_db()
    assert rel.status == RelationshipStatus.TERMINATED and rel.terminated_side == "customer"
    page = client.get(page_url(raw))
    assert page.status_code == 410 and "was rejected" in page.content.decode()


def test_approval_after_expiry_shows_the_reason_and_changes_nothing(partner, partner_admin, served,
                                                                   customer_admin):
    rel, raw = gdap_request(partner, partner_admin, served)
    GdapApproval.objects.filter(relationship=rel).update(expires_at=timezone.now() - timedelta(minutes=1))
    client = client_for(customer_admin)
    before = state(rel)
    page = client.get(page_url(raw))
    assert page.status_code == 410
    assert "expired on" in page.content.decode() and ">Approve<" not in page.content.decode()
    response = client.post(page_url(raw) + "approve/", follow=True)
    assert response.redirect_chain[-1][0] == page_url(raw)
    assert "This request has expired. Ask your partner for a new one." in response.content.decode()
    assert state(rel) == before
    # To anyone but the customer's own users an expired link is just not found (F4).
    for outsider in (Client(), client_for(member(TenantFactory(), Role.CUSTOMER_GLOBAL_ADMIN)),
                     client_for(partner_admin)):
        assert outsider.get(page_url(raw)).status_code == 404


def test_approval_after_the_partner_terminated_shows_the_reason_and_changes_nothing(partner, partner_admin, served,
                                                                                   customer_admin):
    rel, raw = gdap_request(partner, partner_admin, served)
    services.terminate(rel, actor=partner_admin, side="partner")
    client = client_for(customer_admin)
    before = state(rel)
    page = client.get(page_url(raw))
    assert page.status_code == 410
    assert f"{partner.name} withdrew this request: it can no longer be approved." in page.content.decode()
    assert client.post(page_url(raw) + "approve/").status_code == 404  # the revoked link answers nothing
    assert client.post(page_url(raw) + "reject/").status_code == 404
    assert state(rel) == before
    assert client_for(member(TenantFactory(), Role.CUSTOMER_GLOBAL_ADMIN)).get(page_url(raw)).status_code == 404


def test_unknown_tokens_are_not_found(customer_admin):
    client = client_for(customer_admin)
    for url in ("/gdap/approval/nothing/", "/gdap/approval/" + "A" * 43 + "/", "/gdap/approval/x/approve/"):
        assert client.get(url).status_code == 404
    assert client.post("/gdap/approval/" + "A" * 43 + "/approve/").status_code == 404


def test_a_relationship_without_customer_may_be_approved_by_any_customers_global_admin(
        partner, partner_admin, django_capture_on_commit_callbacks):
    rel = services.relationship_create(partner=partner, actor=partner_admin, display_name="Open request",
                                       roles=[DIRECTORY_READERS], duration="P10D")
    _request, _approval, raw = services.lock_for_approval(rel, actor=partner_admin)
    customer = TenantFactory(name="Northwind AG")
    admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)
    client = client_for(admin)
    assert ">Approve<" in client.get(page_url(raw)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        location = client.post(page_url(raw) + "approve/")["Location"]
    assert "Done." in client.get(location).content.decode()
    rel.refresh_from_db()
    assert rel.customer == customer and rel.status == RelationshipStatus.ACTIVE


def test_the_processing_page_of_another_customer_is_not_found(partner, partner_admin, served, customer_admin,
                                                             django_capture_on_commit_callbacks):
    _rel, raw = gdap_request(partner, partner_admin, served)
    with django_capture_on_commit_callbacks(execute=True):
        location = client_for(customer_admin).post(page_url(raw) + "approve/")["Location"]
    other = client_for(member(TenantFactory(), Role.CUSTOMER_GLOBAL_ADMIN))
    assert other.get(location).status_code == 404
    assert client_for(member(served, Role.CUSTOMER_USER)).get(location).status_code == 200  # own organisation
    assert client_for(partner_admin).get(location).status_code == 404


@pytest.mark.parametrize("language", ["de", "hu"])
def test_the_page_in_german_and_hungarian(partner, partner_admin, served, language):
    _rel, raw = gdap_request(partner, partner_admin, served, roles=(GA, DIRECTORY_READERS))
    admin = member(served, Role.CUSTOMER_GLOBAL_ADMIN, language=language)
    body = client_for(admin).get(page_url(raw), headers={"Accept-Language": language}).content.decode()
    assert f'lang="{language}"' in body
    from gdap.models import RoleDefinition

    readers = RoleDefinition.objects.get(pk=DIRECTORY_READERS)
    assert getattr(readers, f"description_{language}") in body  # the role's description in the reader's language
    assert readers.description_en not in body


def test_partner_request_copy_mentions_gdap_termination():
    from django.template.loader import get_template

    source = get_template("invitations/partner_request.html").template.source
    assert "Granular admin relationships (GDAP) can be terminated there too." in source
