"""Integration: the customer's GDAP approval through real PostgreSQL, Redis and a real Celery worker
process (the module worker of tests/test_integration_celery.py, on its own queue). "Approve" on the
page queues approval_process; the worker activates the relationship; the "Processing…" page turns into
the result. Two Global admins clicking at once give one approval; an approval racing the partner's
"Terminate" ends terminated, with the refusal worded on the page. Waits are bounded polling loops."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction
from django.test import Client

from customers.services import reseller_relationship_ensure
from gdap import services
from gdap.events import GdapEvents
from gdap.models import AdminRelationship, AdminRelationshipRequest, RelationshipStatus, RequestStatus
from partnercenter.models import ActivityLog
from partnercenter.roles import Role
from tests.celery_worker import wait_until
from tests.concurrency import race
from tests.factories import member
from tests.test_integration_celery import WAIT, routed, worker  # noqa: F401 (the module worker's fixtures)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
RACERS = 10


@pytest.fixture
def gdap_routed(routed):  # noqa: ANN001, ANN201, F811
    """The worker fixture, and nothing of GDAP left in flight when the tables are emptied."""
    yield routed
    wait_until(lambda: not AdminRelationshipRequest.objects.filter(status=RequestStatus.PENDING).exists(),
               timeout=WAIT, what="the worker to finish every GDAP request")


def pending_request(partner, partner_admin, customer):  # noqa: ANN001, ANN201
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    return services.request_relationship(partner=partner, actor=partner_admin, customer=customer,
                                         display_name="Adatum helpdesk", roles=[DIRECTORY_READERS], duration="P90D")


def result_page(client: Client, location: str, process) -> str:  # noqa: ANN001
    """The status page once the worker is done with it (it polls itself in the browser)."""

    def finished() -> str:
        process.check_alive()
        body = client.get(location, headers={"HX-Request": "true"}).content.decode()
        return "" if "Processing…" in body else body

    return wait_until(finished, timeout=WAIT, what=f"{location} to show the result",
                      details=process.log_tail)


def test_approve_on_the_page_is_processed_by_the_worker(gdap_routed, partner, partner_admin, customer,
                                                        customer_admin):
    rel, raw = pending_request(partner, partner_admin, customer)
    client = Client()
    client.force_login(customer_admin)
    response = client.post(f"/gdap/approval/{raw}/approve/")
    assert response.status_code == 302
    body = result_page(client, response["Location"], gdap_routed)
    assert "Done. The admin relationship is active until" in body
    rel.refresh_from_db()
    assert rel.status == RelationshipStatus.ACTIVE and rel.end_at == rel.activated_at + rel.duration
    answer = AdminRelationshipRequest.objects.get(relationship=rel, action="approve")
    assert answer.status == RequestStatus.SUCCEEDED and answer.deliveries == 1
    assert ActivityLog.objects.filter(tenant=customer, kind=GdapEvents.APPROVED).count() == 1


def test_global_admins_clicking_at_once_give_one_approval(gdap_routed, partner, partner_admin, customer):
    rel, raw = pending_request(partner, partner_admin, customer)
    clients = []
    for _ in range(RACERS):
        client = Client()
        client.force_login(member(customer, Role.CUSTOMER_GLOBAL_ADMIN))
        clients.append(client)

    results = race(RACERS, lambda i: clients[i].post(f"/gdap/approval/{raw}/approve/"))

    assert [value for outcome, value in results if outcome == "error"] == []
    answer = AdminRelationshipRequest.objects.get(relationship=rel, action="approve")  # exactly one
    status_page, link_page = f"/gdap/admin-center/requests/{answer.pk}/", f"/gdap/approval/{raw}/"
    landed = Counter(response["Location"] for _outcome, response in results)
    # Who clicked while the one request was pending lands on its status page; who clicked after the
    # worker had applied it is told on the link's page that it has been answered (never a second one).
    assert landed[status_page] >= 1 and set(landed) <= {status_page, link_page}, landed
    for index, (_outcome, response) in enumerate(results):
        if response["Location"] == link_page:
            assert "has already been approved" in clients[index].get(link_page).content.decode()
    assert "Done." in result_page(clients[0], f"/gdap/admin-center/requests/{answer.pk}/", gdap_routed)
    assert AdminRelationship.objects.get(pk=rel.pk).status == RelationshipStatus.ACTIVE
    assert ActivityLog.objects.filter(tenant=partner, kind=GdapEvents.APPROVED).count() == 1


def test_an_approval_racing_the_partners_terminate_is_refused_and_worded(gdap_routed, partner, partner_admin,
                                                                        customer, customer_admin):
    rel, raw = pending_request(partner, partner_admin, customer)
    client = Client()
    client.force_login(customer_admin)
    # The click and the partner's "Terminate" commit together: the worker gets the approval first and
    # finds the relationship no longer awaiting it.
    with transaction.atomic():
        answer = services.approval_submit(raw_token=raw, user=customer_admin, customer=customer)
        services.terminate(rel, actor=partner_admin, side="partner")
    body = result_page(client, f"/gdap/admin-center/requests/{answer.pk}/", gdap_routed)
    assert "The admin relationship could not be approved." in body
    assert f"{partner.name} withdrew this request before your approval was processed." in body
    wait_until(lambda: AdminRelationship.objects.get(pk=rel.pk).status == RelationshipStatus.TERMINATED,
               timeout=WAIT, what="the worker to complete the termination", details=gdap_routed.log_tail)
    answer.refresh_from_db()
    assert answer.status == RequestStatus.FAILED and answer.failure_code == RelationshipStatus.TERMINATION_REQUESTED
    assert ActivityLog.objects.filter(tenant=partner, kind=GdapEvents.APPROVED).count() == 0
