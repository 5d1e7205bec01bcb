"""Service request pages: every route across tenants (404), the on-behalf refusal, the partner-wide list
with its filters and Export, the request's page (status, assignee, comments), bad input beside the field,
the Admin center's pages, the sidebar and the customer row's action."""

from __future__ import annotations

import csv
import io

import pytest

from customers.services import reseller_relationship_ensure
from partnercenter.models import ActivityLog, OutboxEmail
from partnercenter.roles import Role
from servicerequests import services
from servicerequests.models import Comment, ServiceRequest, Status
from tests.conftest import client_for
from tests.factories import member
from tests.servicerequests_support import open_request, upload
from tests.servicerequests_support import world as _world
from tests.test_url_sweep import SERVICE_REQUEST_ROUTES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def world(tag: str = "Contoso", *, dap: bool = True):  # noqa: ANN201
    return _world(tag, dap=dap, languages=False)


def body(response) -> str:  # noqa: ANN001
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_another_tenants_service_request_is_404_everywhere():
    w, other = world("Contoso"), world("Fabrikam")
    sr = open_request(w)
    services.comment_add_partner(partner=w.partner, actor=w.agent, request=sr, body="x", uploads=[upload()])
    attachment = sr.attachments.get()
    one = f"/customers/{w.customer.id}/service-requests/{sr.pk}/"
    urls = {
        "customers/<uuid:customer_id>/service-requests/": f"/customers/{w.customer.id}/service-requests/",
        "customers/<uuid:customer_id>/service-requests/new/": f"/customers/{w.customer.id}/service-requests/new/",
        "customers/<uuid:customer_id>/service-requests/<uuid:request_id>/": one,
        "customers/<uuid:customer_id>/service-requests/<uuid:request_id>/status/": one + "status/",
        "customers/<uuid:customer_id>/service-requests/<uuid:request_id>/assignee/": one + "assignee/",
        "customers/<uuid:customer_id>/service-requests/<uuid:request_id>/comments/": one + "comments/",
        "customers/<uuid:customer_id>/service-requests/<uuid:request_id>/attachments/<uuid:attachment_id>/":
            f"{one}attachments/{attachment.pk}/",
        "admin-center/service-requests/<uuid:request_id>/": f"/admin-center/service-requests/{sr.pk}/",
        "admin-center/service-requests/<uuid:request_id>/attachments/<uuid:attachment_id>/":
            f"/admin-center/service-requests/{sr.pk}/attachments/{attachment.pk}/",
    }
    assert set(urls) == SERVICE_REQUEST_ROUTES
    # Fabrikam also serves Contoso's customer (with DAP): the customer's pages open, Contoso's request does not.
    reseller_relationship_ensure(partner=other.partner, customer=w.customer, actor=other.admin)
    from customers.models import DelegatedAdminPermission, Service
    from customers.services import dap_grant

    DelegatedAdminPermission.objects.filter(partner=w.partner, service=Service.INFRASTRUCTURE).delete()
    dap_grant(partner=other.partner, customer=w.customer, services=[Service.INFRASTRUCTURE], reassign=False,
              actor=other.admin)
    before = (ServiceRequest.objects.values_list("status", "version", "assignee").get(pk=sr.pk),
              Comment.objects.count(), ActivityLog.objects.count(), OutboxEmail.objects.count())
    form = {"status": "closed", "version": "1", "assignee": "", "body": "taken over", "title": "x",
            "description": "y", "severity": "A", "category": "other"}
    for intruder in (other.admin, other.customer_admin, w.customer_admin):
        client = client_for(intruder)
        for route, url in urls.items():
            if route.startswith("admin-center/") and intruder is w.customer_admin:
                continue  # its own organisation's request: below
            if route.endswith(("service-requests/", "new/")) and intruder is other.admin:
                continue  # the customer's own pages: Fabrikam serves it too (its list shows none of Contoso's)
            for method in ("get", "post"):
                response = getattr(client, method)(url, form)
                assert response.status_code == 404, (intruder.email, method, url, response.status_code)
    listing = client_for(other.admin).get(urls["customers/<uuid:customer_id>/service-requests/"])
    assert listing.status_code == 200 and "SR-000001" not in body(listing)
    assert before == (ServiceRequest.objects.values_list("status", "version", "assignee").get(pk=sr.pk),
                      Comment.objects.count(), ActivityLog.objects.count(), OutboxEmail.objects.count())
    # The partner-wide lists never show another partner's requests.
    assert "SR-000001" not in body(client_for(other.admin).get("/service-requests/"))
    assert "Mail flow stopped" not in body(client_for(other.admin).get("/service-requests/export.csv"))
    assert "Mail flow stopped" not in body(client_for(other.customer_admin).get("/admin-center/service-requests/"))


def test_a_helpdesk_agent_without_admin_permissions_sees_admin_permissions_needed():
    w = world(dap=False)
    client = client_for(w.helpdesk)
    for url in (w.url(), w.url(suffix="new/")):
        response = client.get(url)
        assert response.status_code == 403
        page = body(response)
        assert "Admin permissions needed" in page and "Work on the customer&#x27;s service requests" in page
    assert client.post(w.url(suffix="new/"), {"title": "x"}).status_code == 403
    assert not ServiceRequest.objects.exists()
    # The partner-wide list is the role's; the refusal comes when a customer's request is opened.
    assert client.get("/service-requests/").status_code == 200


def test_roles_without_service_requests_are_refused():
    w = world()
    for user in (w.sales, member(w.partner, Role.BILLING_ADMIN)):
        for url in ("/service-requests/", "/service-requests/export.csv", w.url(), w.url(suffix="new/")):
            assert client_for(user).get(url).status_code == 403, (url, user)
    assert client_for(w.customer_user).get("/admin-center/service-requests/").status_code == 403


def test_an_admin_agent_opens_a_request_and_lands_on_its_page():
    w = world()
    client = client_for(w.agent)
    page = body(client.get(w.url(suffix="new/")))
    assert "New service request" in page and "A (critical)" in page and "Sign-in and accounts" in page
    response = client.post(w.url(suffix="new/"), {
        "title": "Users cannot sign in", "description": "MFA prompt loops.", "severity": "A", "category": "sign_in",
        "assignee": str(w.helpdesk.pk), "attachments": [upload("screen.png", b"\x89PNG\r\n\x1a\n....")]})
    sr = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == w.url(sr)
    page = body(client.get(w.url(sr)))
    for text in ("SR-000001", "Users cannot sign in", "MFA prompt loops.", "screen.png", "Change status",
                 "Waiting for customer", "Add comment"):
        assert text in page, text
    assert sr.assignee == w.helpdesk and sr.attachments.get().comment is None


@pytest.mark.parametrize(("values", "field_error"), [
    ({"title": ""}, "Enter a title."),
    ({"description": "x" * 10_001}, "The description may be up to 10,000 characters long"),
    ({"assignee": "999999"}, "Choose one of your organisation&#x27;s users who work on service requests."),
    ({"attachments": [upload("../../etc/passwd", b"root:x:0:0\n")]}, "only these file types are allowed"),
    ({"attachments": [upload("invoice.pdf", b"MZ\x90\x00")]}, "its content does not match its name"),
])
def test_bad_input_on_new_service_request_is_beside_the_field_and_kept(values, field_error):
    w = world()
    data = {"title": "Kept title", "description": "Kept description", "severity": "B", "category": "email",
            "assignee": "", **values}
    response = client_for(w.agent).post(w.url(suffix="new/"), data)
    page = body(response)
    assert response.status_code == 400 and field_error in page
    assert "invalid-feedback" in page
    if values.get("title") != "":
        assert 'value="Kept title"' in page
    assert "Kept description" in page or "description" in values
    assert not ServiceRequest.objects.exists() and not OutboxEmail.objects.exists()


def test_another_partners_user_as_assignee_is_refused():
    w, other = world("Contoso"), world("Fabrikam")
    sr = open_request(w)
    response = client_for(w.agent).post(w.url(sr, "assignee/"), {"assignee": str(other.agent.pk), "version": "1"})
    assert response.status_code == 400 and "who work on service requests" in body(response)
    assert ServiceRequest.objects.get().assignee is None


def test_a_stale_status_change_says_so_and_shows_the_current_state():
    w = world()
    sr = open_request(w)
    services.service_request_status_set(partner=w.partner, actor=w.admin, request=sr, status=Status.IN_PROGRESS,
                                        version=1)
    response = client_for(w.agent).post(w.url(sr, "status/"), {"status": "resolved", "version": "1"})
    page = body(response)
    assert response.status_code == 409
    assert "Someone else changed this service request since you opened it." in page
    assert 'id="status-error"' in page and 'name="version" value="2"' in page
    assert ServiceRequest.objects.get().status == Status.IN_PROGRESS
    ok = client_for(w.agent).post(w.url(sr, "status/"), {"status": "resolved", "version": "2"})
    assert ok.status_code == 302 and ServiceRequest.objects.get().status == Status.RESOLVED


def test_a_100000_character_comment_is_refused_beside_the_field_and_kept():
    w = world()
    sr = open_request(w)
    text = "Lorem ipsum " * 8334
    for client, url in ((client_for(w.agent), w.url(sr, "comments/")),
                        (client_for(w.customer_admin), f"/admin-center/service-requests/{sr.pk}/")):
        response = client.post(url, {"body": text[:100_000]})
        page = body(response)
        assert response.status_code == 400
        assert "A comment may be up to 10,000 characters long; this one has 100,000." in page
        assert text[:100_000].strip() in page and "maxlength" not in page.split('name="body"')[1].split(">")[0]
    assert not Comment.objects.exists()


def test_a_too_large_attachment_is_refused_beside_the_field(settings):
    settings.SERVICE_REQUEST_ATTACHMENT_MAX_BYTES = 1024
    w = world()
    sr = open_request(w)
    response = client_for(w.customer_admin).post(f"/admin-center/service-requests/{sr.pk}/", {
        "body": "The trace", "attachments": [upload("trace.txt", b"x" * 2048)]})
    page = body(response)
    assert response.status_code == 400 and "“trace.txt” is too large (2 KB). Files may be up to 1 KB." in page
    assert "The trace" in page and not Comment.objects.exists()


def test_the_thread_shows_both_sides_newest_last_and_the_customer_sees_the_partners_name():
    w = world()
    sr = open_request(w)
    services.comment_add_partner(partner=w.partner, actor=w.agent, request=sr, body="First: partner")
    client = client_for(w.customer_admin)
    response = client.post(f"/admin-center/service-requests/{sr.pk}/", {"body": "Second: customer"})
    assert response.status_code == 302
    for page in (body(client_for(w.agent).get(w.url(sr))), body(client.get(f"/admin-center/service-requests/{sr.pk}/"))):
        assert page.index("First: partner") < page.index("Second: customer")
    listing = body(client.get("/admin-center/service-requests/"))
    assert "SR-000001" in listing and "Contoso Partner" in listing


def test_the_partner_wide_list_filters_and_exports_the_current_filter():
    w = world()
    mine = open_request(w, title="Mine", assignee_id=w.agent.pk)
    open_request(w, title="Helpdesk's", severity="C", assignee_id=w.helpdesk.pk)
    services.service_request_status_set(partner=w.partner, actor=w.agent, request=mine, status=Status.RESOLVED,
                                        version=1)
    client = client_for(w.agent)

    def titles(query: str) -> set[str]:
        rows = list(csv.reader(io.StringIO(body(client.get("/service-requests/export.csv" + query)).lstrip("\ufeff"))))
        assert rows[0][:3] == ["Number", "Title", "Customer"]
        return {row[1] for row in rows[1:]}

    assert titles("") == {"Mine", "Helpdesk's"}
    assert titles("?assignee=me") == {"Mine"}
    assert titles("?status=resolved") == {"Mine"}
    assert titles("?severity=C") == {"Helpdesk's"}
    assert titles("?q=SR-000002") == {"Helpdesk's"}
    assert titles(f"?q={w.customer.name[:7]}&assignee={w.helpdesk.pk}") == {"Helpdesk's"}
    assert titles("?status=bogus&assignee=<script>") == {"Mine", "Helpdesk's"}  # unknown filters are ignored
    assert titles("?assignee=" + "9" * 30) == {"Mine", "Helpdesk's"}
    page = body(client.get("/service-requests/?assignee=me"))
    assert "Mine" in page and "Helpdesk&#x27;s" not in page
    assert 'href="/service-requests/export.csv?assignee=me"' in page
    assert "No service request matches these filters." in body(client.get("/service-requests/?q=nothing-like-it"))


def test_the_list_pages_by_50():
    w = world()
    for i in range(51):
        open_request(w, title=f"Request {i}")
    client = client_for(w.helpdesk)
    assert body(client.get("/service-requests/")).count("<tr>") == 51  # the header row and 50
    second = body(client.get("/service-requests/?page=2"))
    assert "Request 0<" in second and "Page 2 of 2" in second


def test_sidebar_entries_and_the_customer_rows_action():
    from tests.test_shell import links

    w = world()
    found = links(body(client_for(w.helpdesk).get("/service-requests/")))
    assert 'aria-current="page"' in found["Service requests"]
    assert "Service requests" not in links(body(client_for(w.sales).get("/customers/")))
    found = links(body(client_for(w.customer_admin).get("/admin-center/service-requests/")))
    assert 'aria-current="page"' in found["Service requests"]
    assert "Service requests" not in links(body(client_for(w.customer_user).get("/admin-center/")))
    row = body(client_for(w.helpdesk).get(f"/customers/{w.customer.id}/row/"))
    assert f'href="/customers/{w.customer.id}/service-requests/">Service requests</a>' in row
    assert "Service requests" not in body(client_for(w.sales).get(f"/customers/{w.customer.id}/row/"))
