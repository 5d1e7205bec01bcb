"""The partner-wide list's filters on odd input: digits that are not ASCII ("²", "٣") are no number, so the
list and its export answer as for any unknown filter instead of failing (int("²") raises)."""

from __future__ import annotations

import csv
import io

import pytest

from servicerequests import rules, selectors
from tests.conftest import client_for
from tests.servicerequests_support import open_request
from tests.servicerequests_support import world as _world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _csv_titles(response) -> set[str]:  # noqa: ANN001
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Number", "Title", "Customer"]
    return {row[1] for row in rows[1:]}


@pytest.mark.parametrize("query", ["?assignee=%C2%B2", "?q=%C2%B2", "?q=SR-%C2%B2", "?q=SR-%D9%A3",
                                   "?assignee=%EF%BC%91"])
def test_unicode_digits_are_no_number_on_the_list_and_the_export(query):
    w = _world(languages=False)
    open_request(w, title="Mail flow stopped")
    client = client_for(w.agent)
    listing = client.get("/service-requests/" + query)
    assert listing.status_code == 200
    export = client.get("/service-requests/export.csv" + query)
    assert export.status_code == 200
    titles = _csv_titles(export)
    if "assignee" in query:  # an unknown assignee is ignored: every request
        assert titles == {"Mail flow stopped"} and "Mail flow stopped" in listing.content.decode()
    else:  # a text search for "²" that matches no title or customer
        assert titles == set() and "No service request matches these filters." in listing.content.decode()


@pytest.mark.parametrize("text", ["²", "SR-²", "sr²", "١٢", "１２", "SR-" + "1" * 10, "", "SR-", "-1", "+1", " 1 2"])
def test_parse_reference_takes_only_ascii_digits(text):
    assert rules.parse_reference(text) is None


@pytest.mark.parametrize(("text", "number"), [("SR-000123", 123), ("sr-123", 123), ("123", 123), (" SR7 ", 7),
                                              ("999999999", 999_999_999)])
def test_parse_reference_numbers(text, number):
    assert rules.parse_reference(text) == number


@pytest.mark.parametrize(("value", "kept"), [("²", ""), ("１", ""), ("12", "12"), ("me", "me"), ("none", "none"),
                                             ("1" * 10, "")])
def test_the_assignee_filter_keeps_only_ascii_ids(value, kept):
    assert selectors.Filters.from_query({"assignee": value}).assignee == kept


def test_the_list_and_export_show_only_customers_the_user_may_work_for(partner_admin):
    """A request of a customer reached through GDAP only is seen by the security group's members, not by
    another agent of the partner (opening it would be refused); DAP customers by the DAP roles."""
    from customers.services import reseller_relationship_ensure
    from gdap import services as gdap_services
    from partnercenter.roles import Role
    from servicerequests import services
    from tests.factories import TenantFactory, member
    from tests.test_gdap_access import HELPDESK_ADMIN, _active

    w = _world(languages=False)
    gdap_only = TenantFactory(name="Gdap Only Customer")
    reseller_relationship_ensure(partner=w.partner, customer=gdap_only, actor=w.admin)
    rel = _active(w.partner, w.admin, gdap_only, [HELPDESK_ADMIN])
    group = gdap_services.group_create(partner=w.partner, actor=w.admin, name="Helpdesk")
    gdap_services.assignment_create(rel, actor=w.admin, security_group=group, roles=[HELPDESK_ADMIN])
    in_group, outside = member(w.partner, Role.HELPDESK_AGENT), member(w.partner, Role.ADMIN_AGENT)
    gdap_services.member_add(group, actor=w.admin, user=in_group)
    open_request(w, title="Via DAP")
    services.service_request_create(partner=w.partner, actor=in_group, customer=gdap_only, title="Via GDAP",
                                    description="x", severity="B", category="email")

    def seen(user) -> tuple[set[str], str]:  # noqa: ANN001
        client = client_for(user)
        return _csv_titles(client.get("/service-requests/export.csv")), client.get("/service-requests/").content.decode()

    for user, expected in ((outside, {"Via DAP"}), (w.helpdesk, {"Via DAP"}), (in_group, {"Via DAP", "Via GDAP"})):
        titles, page = seen(user)
        assert titles == expected, user.email
        assert ("Via GDAP" in page) == ("Via GDAP" in expected) and "Via DAP" in page
    assert client_for(outside).get(f"/customers/{gdap_only.id}/service-requests/").status_code == 403
    assert "Only the requests of customers for which you have admin permissions" in seen(outside)[1]
    # Once the member leaves the group, the request leaves their list too.
    gdap_services.member_remove(group, actor=w.admin, user=in_group)
    assert seen(in_group)[0] == {"Via DAP"}
