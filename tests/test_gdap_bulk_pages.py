"""The bulk GDAP pages: the Customers list's checkboxes and toolbar, "Request admin relationships" with a
role template (count, the main error, select-all-matching builds the items from the server's own query),
the partner-wide "Admin relationships" list with its bulk actions, permissions per role and other
tenants' ids (404)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gdap.models import AdminRelationship, RelationshipStatus
from jobs import services as job_services
from jobs.models import Job, JobItem
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, member
from tests.gdap_bulk_support import GLOBAL_ADMINISTRATOR, GLOBAL_READER, request_job, run, served, template

pytestmark = pytest.mark.django_db

REQUEST = reverse("gdap:bulk_request")
RELATIONSHIPS = reverse("gdap:relationships")
BULK = reverse("gdap:relationships_bulk")


@pytest.fixture(autouse=True)
def _no_worker(monkeypatch):
    """Jobs are created, not run: the tests look at the items the page built."""
    monkeypatch.setattr(job_services, "job_enqueue_on_commit", lambda job_id: None)


@pytest.fixture
def world(partner, partner_admin):
    customers = [served(partner, name) for name in ("Harbor Labs AG", "Harbor Foods GmbH", "Alpine Tools KG")]
    return customers, template(partner, partner_admin)


def items(job: Job) -> list[tuple[str, str]]:
    return list(JobItem.objects.filter(job=job).order_by("position").values_list("key", "label"))


def test_the_customers_list_has_checkboxes_and_the_toolbar_for_gdap_managers(partner, partner_admin, world):
    body = client_for(partner_admin).get("/customers/").content.decode()
    assert body.count('type="checkbox" name="customer"') == 3 and 'form="customer-bulk"' in body
    assert "Request admin relationships" in body and "Select all customers" in body
    body = client_for(partner_admin).get("/customers/?q=harbor").content.decode()
    assert "Select all customers matching this search or filter" in body and 'name="q" value="harbor"' in body
    helpdesk = member(partner, Role.HELPDESK_AGENT)
    body = client_for(helpdesk).get("/customers/").content.decode()
    assert 'type="checkbox" name="customer"' not in body and "Request admin relationships" not in body


def test_ticked_customers_become_the_jobs_items(partner_admin, world):
    customers, tpl = world
    client = client_for(partner_admin)
    query = f"?customer={customers[0].pk}&customer={customers[2].pk}"
    page = client.get(REQUEST + query)
    assert page.status_code == 200 and "2 customers selected." in page.content.decode()
    assert tpl.name in page.content.decode()
    response = client.post(REQUEST + query, {"template": str(tpl.pk)})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.id])
    assert job.kind == "gdap.bulk_request" and job.params["template"] == str(tpl.pk)
    assert sorted(items(job)) == sorted([(str(customers[0].pk), customers[0].name),
                                         (str(customers[2].pk), customers[2].name)])


def test_all_matching_runs_the_search_again_on_the_server(partner_admin, world):
    customers, tpl = world
    client = client_for(partner_admin)
    page = client.get(REQUEST + "?all=1&q=harbor")
    assert "2 customers match “harbor”." in page.content.decode()
    client.post(REQUEST + "?all=1&q=harbor", {"template": str(tpl.pk)})
    assert items(Job.objects.get()) == [(str(customers[1].pk), "Harbor Foods GmbH"),
                                        (str(customers[0].pk), "Harbor Labs AG")]  # the list's name order
    client.post(REQUEST + "?all=1", {"template": str(tpl.pk)})
    assert Job.objects.count() == 2 and Job.objects.first().total == 3


def test_no_template_chosen_is_a_message_beside_the_field_and_nothing_starts(partner_admin, world):
    customers, _tpl = world
    response = client_for(partner_admin).post(REQUEST + f"?customer={customers[0].pk}", {})
    assert response.status_code == 400 and "Choose a role template." in response.content.decode()
    assert Job.objects.count() == 0


def test_no_template_yet_links_to_creating_one(partner, partner_admin):
    customer = served(partner, "Solo GmbH")
    body = client_for(partner_admin).get(REQUEST + f"?customer={customer.pk}").content.decode()
    assert "You have no role templates yet." in body and 'type="radio"' not in body


def test_nothing_selected_goes_back_to_the_list(partner_admin, world):
    response = client_for(partner_admin).get(REQUEST)
    assert response.status_code == 302 and response["Location"] == "/customers/"


def test_another_tenants_customer_or_template_is_404(partner, partner_admin, world):
    customers, tpl = world
    other = PartnerFactory()
    other_admin = member(other, Role.GLOBAL_ADMIN)
    foreign_customer = served(other, "Foreign AG")
    foreign_template = template(other, other_admin, name="Theirs")
    client = client_for(partner_admin)
    assert client.get(REQUEST + f"?customer={foreign_customer.pk}").status_code == 404
    assert client.get(REQUEST + f"?customer={customers[0].pk}&customer={foreign_customer.pk}").status_code == 404
    assert client.get(REQUEST + "?customer=not-a-uuid").status_code == 404
    assert client.post(REQUEST + f"?customer={customers[0].pk}", {"template": str(foreign_template.pk)}
                       ).status_code == 404
    assert Job.objects.count() == 0
    # The other partner's job is not visible to this one either.
    job = request_job(other, other_admin, foreign_template, [foreign_customer])
    assert client.get(reverse("jobs:detail", args=[job.id])).status_code == 404


@pytest.mark.parametrize(("role", "allowed"), [(Role.GLOBAL_ADMIN, True), (Role.ADMIN_AGENT, True),
                                               (Role.HELPDESK_AGENT, False), (Role.SALES_AGENT, False),
                                               (Role.BILLING_ADMIN, False)])
def test_who_may_start_a_bulk_request(partner, world, role, allowed):
    customers, tpl = world
    client = client_for(member(partner, role))
    url = REQUEST + f"?customer={customers[0].pk}"
    assert (client.get(url).status_code == 200) is allowed
    assert client.post(url, {"template": str(tpl.pk)}).status_code == (302 if allowed else 403)
    assert Job.objects.count() == (1 if allowed else 0)


def _relationships(partner, partner_admin, world):  # noqa: ANN001, ANN202
    customers, tpl = world
    run(request_job(partner, partner_admin, tpl, customers))
    return list(AdminRelationship.objects.filter(partner=partner).order_by("display_name"))


def test_the_admin_relationships_list_filters_and_pages(partner, partner_admin, world, settings):
    rels = _relationships(partner, partner_admin, world)
    client = client_for(partner_admin)
    body = client.get(RELATIONSHIPS).content.decode()
    assert all(rel.display_name in body for rel in rels) and "Approval pending" in body
    body = client.get(RELATIONSHIPS + "?q=alpine").content.decode()
    assert "Helpdesk – Alpine Tools KG" in body and "Harbor" not in body.split("<tbody>")[1]
    body = client.get(RELATIONSHIPS + "?status=active").content.decode()
    assert "No admin relationships match this filter." in body
    from gdap import bulk_selectors

    page = bulk_selectors.relationships_page(partner=partner, page_size=2)
    assert len(page.rows) == 2 and page.next_cursor
    rest = bulk_selectors.relationships_page(partner=partner, page_size=2, cursor=page.next_cursor)
    assert [r.pk for r in page.rows + rest.rows] == [r.pk for r in rels] and rest.next_cursor is None
    helpdesk = client_for(member(partner, Role.HELPDESK_AGENT)).get(RELATIONSHIPS).content.decode()
    assert rels[0].display_name in helpdesk and 'name="relationship"' not in helpdesk  # sees, cannot act


def test_terminate_selected_and_all_matching(partner, partner_admin, world):
    rels = _relationships(partner, partner_admin, world)
    client = client_for(partner_admin)
    query = f"?action=terminate&relationship={rels[0].pk}"
    page = client.get(BULK + query)
    assert page.status_code == 200 and "Terminate 1 admin relationship?" in page.content.decode()
    response = client.post(BULK + query)
    job = Job.objects.get(kind="gdap.bulk_terminate")
    assert response["Location"] == reverse("jobs:detail", args=[job.id]) and items(job) == [
        (str(rels[0].pk), rels[0].display_name)]
    client.post(BULK + "?action=remove_global_admin&all=1&q=harbor", {"auto_extend": "on"})
    job = Job.objects.get(kind="gdap.bulk_remove_global_admin")
    assert job.params == {"auto_extend": True} and job.total == 2


def test_bulk_actions_refuse_foreign_ids_unknown_actions_and_readers(partner, partner_admin, world):
    rels = _relationships(partner, partner_admin, world)
    other = PartnerFactory()
    other_admin = member(other, Role.GLOBAL_ADMIN)
    tpl = template(other, other_admin, name="Theirs", roles=(GLOBAL_ADMINISTRATOR, GLOBAL_READER))
    run(request_job(other, other_admin, tpl, [served(other, "Foreign AG")]))
    foreign = AdminRelationship.objects.get(partner=other)
    client = client_for(partner_admin)
    assert client.get(BULK + f"?action=terminate&relationship={foreign.pk}").status_code == 404
    assert client.post(BULK + f"?action=terminate&relationship={foreign.pk}").status_code == 404
    assert client.get(BULK + f"?action=explode&relationship={rels[0].pk}").status_code == 404
    helpdesk = client_for(member(partner, Role.HELPDESK_AGENT))
    assert helpdesk.post(BULK + f"?action=terminate&relationship={rels[0].pk}").status_code == 403
    assert not Job.objects.filter(kind="gdap.bulk_terminate").exists()
    assert AdminRelationship.objects.get(pk=foreign.pk).status == RelationshipStatus.APPROVAL_PENDING
