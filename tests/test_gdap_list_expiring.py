""""Expiring admin relationships": what is listed (live, ending within 30 days, this partner's only),
permissions per role, sorting, 50 a page, the relative end, the "Request a new relationship from this
one" link (only when that form is routed and the reader may request), the empty state, the sidebar."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gdap import routes
from gdap.models import RelationshipStatus as S
from gdap.views.expiring import ends_in
from partnercenter.roles import PARTNER_ROLES, Role, permissions_for
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member
from tests.gdap_list_support import DIRECTORY_READERS, GLOBAL_READER, relationship

pytestmark = pytest.mark.django_db

URL = "/gdap/expiring/"


def _names(response) -> list[str]:  # noqa: ANN001
    return [row["rel"].display_name for row in response.context["rows"]]


def test_lists_what_ends_within_30_days_of_this_partner_only(partner, partner_admin, customer):
    soon = relationship(partner, customer, S.EXPIRING, ends_in=timedelta(days=5), name="Soon")
    active = relationship(partner, customer, S.ACTIVE, ends_in=timedelta(days=29), name="Active late")
    relationship(partner, customer, S.ACTIVE, ends_in=timedelta(days=31), name="Later")
    relationship(partner, customer, S.EXPIRING, ends_in=-timedelta(hours=2), name="Past end")
    relationship(partner, customer, S.TERMINATED, ends_in=timedelta(days=3), name="Terminated")
    relationship(partner, customer, S.APPROVAL_PENDING, name="Pending")
    other = PartnerFactory(name="Zebrafin Partner")
    relationship(other, customer, S.EXPIRING, ends_in=timedelta(days=2), name="Theirs")  # same customer
    response = client_for(partner_admin).get(URL)
    assert response.status_code == 200
    assert _names(response) == [soon.display_name, active.display_name]
    html = response.content.decode()
    assert "Theirs" not in html and "Adatum AG" in html and "in 5 days" in html and "in 29 days" in html
    assert "Zebrafin" not in html
    theirs = client_for(member(other, Role.GLOBAL_ADMIN)).get(URL)
    assert _names(theirs) == ["Theirs"]


@pytest.mark.parametrize("role", sorted(PARTNER_ROLES))
def test_permissions_per_role(partner, customer, role):
    relationship(partner, customer, S.EXPIRING, ends_in=timedelta(days=5), name="Soon")
    client = client_for(member(partner, role))
    allowed = "gdap.view" in permissions_for([role], partner.partner_type)
    assert allowed == (role in {Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, Role.HELPDESK_AGENT})
    response = client.get(URL)
    assert response.status_code == (200 if allowed else 403)
    sidebar = client.get("/customers/").content.decode()
    assert ('href="/gdap/expiring/"' in sidebar) == allowed


def test_the_sidebar_marks_the_page_current(partner_admin):
    html = client_for(partner_admin).get(URL).content.decode()
    assert 'href="/gdap/expiring/" aria-current="page"' in html


def test_a_customer_tenant_gets_a_404(customer, customer_admin):
    assert client_for(customer_admin).get(URL).status_code == 404


@pytest.mark.parametrize("sort,expected", [
    ("end", ["B", "C", "A"]), ("-end", ["A", "C", "B"]),
    ("customer", ["B", "A", "C"]), ("-customer", ["C", "A", "B"]),
    ("name", ["A", "B", "C"]), ("-name", ["C", "B", "A"]), ("bogus", ["B", "C", "A"]),
])
def test_sorting(partner, partner_admin, sort, expected):
    alpha, beta = TenantFactory(name="Alpha GmbH"), TenantFactory(name="Beta GmbH")
    relationship(partner, beta, S.EXPIRING, ends_in=timedelta(days=20), name="A")
    relationship(partner, alpha, S.EXPIRING, ends_in=timedelta(days=2), name="B")
    relationship(partner, TenantFactory(name="Gamma GmbH"), S.ACTIVE, ends_in=timedelta(days=9), name="C")
    response = client_for(partner_admin).get(URL, {"sort": sort})
    assert _names(response) == expected


def test_fifty_a_page_and_every_row_once(partner, partner_admin, customer, django_assert_max_num_queries):
    for i in range(53):
        relationship(partner, customer, S.EXPIRING, ends_in=timedelta(days=1 + i % 28, minutes=i), name=f"R{i:02d}",
                     roles=[GLOBAL_READER] if i % 2 else [DIRECTORY_READERS, GLOBAL_READER])
    client = client_for(partner_admin)
    first = client.get(URL, {"sort": "name"})
    assert len(first.context["rows"]) == 50
    html = first.content.decode()
    assert "Page 1 of 2 (53 relationships)" in html and 'href="?sort=name&amp;page=2"' in html
    assert "1 role<" in html and "2 roles<" in html
    second = client.get(URL, {"sort": "name", "page": 2})
    assert _names(first) + _names(second) == [f"R{i:02d}" for i in range(53)]
    assert client.get(URL, {"page": "999"}).context["page"].number == 2  # out of range: the last page
    assert client.get(URL, {"page": "x"}).context["page"].number == 1
    with django_assert_max_num_queries(12):
        client.get(URL)


def test_the_request_link_only_when_allowed(partner, partner_admin, customer):
    rel = relationship(partner, customer, S.EXPIRING, ends_in=timedelta(days=5), name="Soon", auto_extend=True)
    html = client_for(partner_admin).get(URL).content.decode()
    assert f'href="/gdap/request/?from={rel.pk}"' in html and "Request a new relationship from this one" in html
    helpdesk = client_for(member(partner, Role.HELPDESK_AGENT)).get(URL).content.decode()
    assert "?from=" not in helpdesk and "Soon" in helpdesk  # may view, may not request


def test_the_request_link_follows_the_agreed_route_name():
    assert routes.request_from_url("abc") == "/gdap/request/?from=abc"


def test_empty_state(partner, partner_admin, customer):
    relationship(partner, customer, S.ACTIVE, ends_in=timedelta(days=90))
    html = client_for(partner_admin).get(URL).content.decode()
    assert "No admin relationship ends within the next 30 days." in html
    assert "<table" not in html


def test_relative_end():
    now = timezone.now()
    assert ends_in(now + timedelta(days=5, hours=3), now) == "in 5 days"
    assert ends_in(now + timedelta(days=4, hours=23, minutes=59), now) == "in 5 days"
    assert ends_in(now + timedelta(days=1), now) == "in 1 day"
    assert ends_in(now + timedelta(hours=2, minutes=10), now) == "in 3 hours"
    assert ends_in(now + timedelta(minutes=5), now) == "in 1 hour"


def test_the_demo_shows_gdap_in_the_list_and_an_expiring_relationship():
    from partnercenter.demo import demo_load
    from partnercenter.models import User

    assert demo_load() is True
    client = client_for(User.objects.get(email="admin@contoso.example"))
    assert "Adatum – migration project" in client.get(URL).content.decode()
    html = client.get("/customers/").content.decode()
    assert "GDAP: 1 active, 1 expiring, 1 pending<" in html and "GDAP: 1 pending<" in html
