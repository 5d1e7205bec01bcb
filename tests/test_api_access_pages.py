"""Issue 12 §1, the API access pages: only a partner's Global admins, the list (status, registrant,
last used, 50 a page), Register app with errors beside the fields, the secret shown once in the POST's
answer, Rotate secret and Revoke with their confirmations, another partner's app is a 404, the
activity log names the app, the Development group of the sidebar."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from api.models import ApiApp
from api.services import api_app_create, api_app_revoke, api_app_secret_rotate
from partnercenter.events import acting_client, event_record
from partnercenter.models import ActivityLog, Membership
from partnercenter.roles import PARTNER_ROLES, Role
from tests.api_support import api_app, token_for, token_response
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = pytest.mark.django_db

LIST, REGISTER = "/api-access/", "/api-access/register/"
GOOD = {"name": "Billing sync", "scope_customers": "read", "scope_subscriptions": "write", "roles": ["admin_agent"]}


def _secret(html: str) -> str:
    return re.search(r'id="client-secret" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("role", sorted(PARTNER_ROLES))  # sorted: xdist workers must collect the same order
def test_only_a_global_admin_opens_the_pages(partner, role):
    client = client_for(member(partner, role))
    app, _secret = api_app(partner)
    urls = (LIST, REGISTER, f"/api-access/apps/{app.pk}/rotate/", f"/api-access/apps/{app.pk}/revoke/")
    expected = 200 if role == Role.GLOBAL_ADMIN else 403
    for url in urls:
        assert client.get(url).status_code == expected, url
    if role != Role.GLOBAL_ADMIN:
        for url in urls:
            assert client.post(url, GOOD).status_code == 403, url
        assert ApiApp.objects.count() == 1 and ApiApp.objects.get().revoked_at is None
    nav = client.get("/company-profile/").content.decode()
    assert ('href="/api-access/"' in nav) == (role == Role.GLOBAL_ADMIN)


@override_settings(DEV_OUTBOX_ENABLED=False)
def test_the_development_group_shows_api_access_and_marks_it_current(partner, partner_admin):
    from tests.test_shell import links, sidebar

    client = client_for(partner_admin)
    html = client.get(LIST).content.decode()
    assert 'aria-current="page"' in links(html)["API access"] and ">Development</div>" in sidebar(html)
    assert 'aria-current="true"' in links(client.get(REGISTER).content.decode())["API access"]
    agent_html = client_for(member(partner, Role.ADMIN_AGENT)).get("/company-profile/").content.decode()
    assert "API access" not in links(agent_html) and ">Development</div>" not in sidebar(agent_html)


def test_a_customer_tenant_has_no_api_access_page():
    client = client_for(member(TenantFactory(), Role.CUSTOMER_GLOBAL_ADMIN))
    assert client.get(LIST).status_code == 404
    assert 'href="/api-access/"' not in client.get("/admin-center/").content.decode()


def test_the_list_shows_each_app_with_its_status_and_an_empty_state(partner, partner_admin):
    client = client_for(partner_admin)
    empty = client.get(LIST).content.decode()
    assert "No API apps yet." in empty and 'href="/api-access/register/"' in empty
    active, secret = api_app(partner, registrant=partner_admin, name="Billing sync", scopes=["customers.read",
                             "gdap.write"], roles=[Role.ADMIN_AGENT, Role.HELPDESK_AGENT])
    token_for(active, secret)
    from api.services import api_app_revoke

    revoked, _s = api_app(partner, name="Old script")
    api_app_revoke(app=revoked, actor=partner_admin)
    leaver = member(partner, Role.GLOBAL_ADMIN, email="leaver@example.com")
    stopped, _s = api_app(partner, registrant=leaver, name="Leaver's tool")
    Membership.objects.filter(user=leaver).update(is_active=False)
    api_app(PartnerFactory(), name="Somebody else's app")
    html = client.get(LIST).content.decode()
    assert "Somebody else&#x27;s app" not in html and "Somebody else's app" not in html
    for text in ("Billing sync", active.client_id, "Customers: Read only", "Admin relationships (GDAP): Read and write",
                 "Admin agent, Helpdesk agent", partner_admin.email, "Revoked", "Old script",
                 "Stopped: registered by a deactivated user", "leaver@example.com", "Never"):
        assert text in html, text
    rows = html.split("<tbody>")[1].split("</tr>")
    assert "Rotate secret" in rows[0] and "Revoke" in rows[0]
    revoked_row = next(row for row in rows if "Old script" in row)
    assert "Rotate secret" not in revoked_row and "btn-outline-danger" not in revoked_row


def test_the_list_pages_by_50(partner, partner_admin):
    for number in range(51):
        api_app_create(partner=partner, actor=partner_admin, name=f"App {number:02}", scopes=["customers.read"],
                       roles=[Role.SALES_AGENT])
    client = client_for(partner_admin)
    first = client.get(LIST).content.decode()
    assert first.count("<tr>") == 50 + 1 and "Page 1 of 2" in first and "App 50" not in first
    assert "App 50" in client.get(LIST + "?page=2").content.decode()


def test_register_refuses_bad_input_beside_the_field_and_keeps_what_was_typed(partner, partner_admin):
    client = client_for(partner_admin)
    page = client.get(REGISTER).content.decode()
    assert "Admin agent (Full administration of supported companies)" in page
    assert "Helpdesk agent (Limited administration of supported companies)" in page
    cases = [
        ({**GOOD, "name": "  "}, "Enter a name for the app.", "id_name_error"),
        ({**GOOD, "name": "x" * 101}, "Ensure this value has at most 100 characters", "id_name_error"),
        ({"name": "Kept name", "roles": ["sales_agent"]}, "Choose at least one scope.", "scopes_error"),
        ({**GOOD, "scope_gdap": "admin"}, "Choose a level from the list.", "id_scope_gdap_error"),
        ({**GOOD, "roles": []}, "Choose at least one role the app acts with.", "id_roles_error"),
        ({**GOOD, "roles": ["customer_global_admin"]}, "Choose roles from the list.", "id_roles_error"),
    ]
    for data, message, error_id in cases:
        response = client.post(REGISTER, data)
        html = response.content.decode()
        assert response.status_code == 400, data
        assert message in html and f'id="{error_id}"' in html, (data, message)
        assert "client-secret" not in html
    kept = client.post(REGISTER, {**GOOD, "roles": []}).content.decode()
    assert 'value="Billing sync"' in kept
    assert re.search(r'value="read" id="id_scope_customers_1" checked', kept)
    assert re.search(r'value="write" id="id_scope_subscriptions_2" checked', kept)
    assert not ApiApp.objects.exists()


def test_the_secret_is_shown_once_in_the_answer_to_register_and_works(partner, partner_admin):
    client = client_for(partner_admin)
    response = client.post(REGISTER, GOOD)
    html = response.content.decode()
    assert response.status_code == 200 and "You will not see this secret again." in html
    assert "no-store" in response["Cache-Control"]
    app = ApiApp.objects.get()
    secret = _secret(html)
    assert app.client_id in html and (app.scopes, app.roles) == (["customers.read", "subscriptions.write"],
                                                                  ["admin_agent"])
    assert token_response(app, secret).status_code == 200
    assert secret not in client.get(LIST).content.decode()
    assert all(secret not in str(value) for value in client.session.values())
    assert ActivityLog.objects.filter(tenant=partner, kind="api.app_created", actor=partner_admin).count() == 1


def test_the_same_register_form_sent_twice_registers_one_app_and_shows_no_secret_again(partner, partner_admin):
    client = client_for(partner_admin)
    key = re.search(r'name="registration_key" value="([^"]+)"', client.get(REGISTER).content.decode()).group(1)
    assert key != re.search(r'name="registration_key" value="([^"]+)"',
                            client.get(REGISTER).content.decode()).group(1)  # one key per opened form
    first = client.post(REGISTER, {**GOOD, "registration_key": key})
    assert "client-secret" in first.content.decode()
    again = client.post(REGISTER, {**GOOD, "registration_key": key}, follow=True)  # the reload resends it
    html = again.content.decode()
    assert again.redirect_chain[-1][0] == LIST and "client-secret" not in html
    assert "This app was registered already; its secret was shown once." in html
    assert ApiApp.objects.count() == 1
    kept = client.post(REGISTER, {**GOOD, "name": "", "registration_key": "k2"}).content.decode()
    assert 'name="registration_key" value="k2"' in kept  # a corrected form keeps its key


def test_rotate_shows_the_new_secret_once_and_a_resent_form_rotates_nothing(partner, partner_admin):
    client = client_for(partner_admin)
    app, old = api_app(partner, registrant=partner_admin)
    url = f"/api-access/apps/{app.pk}/rotate/"
    confirm = client.get(url).content.decode()
    assert "keeps working for 24 hours" in confirm and 'name="version" value="1"' in confirm
    assert "still in its grace period" not in confirm
    response = client.post(url, {"version": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and "You will not see this secret again." in html
    assert "no-store" in response["Cache-Control"]
    new = _secret(html)
    assert token_response(app, new).status_code == token_response(app, old).status_code == 200
    again = client.post(url, {"version": "1"}, follow=True)  # the browser resends the form on reload
    assert "client-secret" not in again.content.decode() and "rotated already" in again.content.decode()
    assert client.post(url, {}, follow=True).redirect_chain[-1][0] == LIST
    app.refresh_from_db()
    assert app.secret_version == 2
    assert "still in its grace period: it stops at once" in client.get(url).content.decode()


def test_rotate_with_end_the_old_secret_now_stops_the_old_secret_and_the_tokens_at_once(partner, partner_admin):
    from oauth2_provider.models import AccessToken

    client = client_for(partner_admin)
    app, old = api_app(partner, registrant=partner_admin)
    token_for(app, old)
    (held,) = AccessToken.objects.filter(application_id=app.application_id)
    url = f"/api-access/apps/{app.pk}/rotate/"
    confirm = client.get(url).content.decode()
    box = re.search(r'<input[^>]*name="end_old_secret"[^>]*>', confirm).group(0)
    assert 'type="checkbox"' in box and "checked" not in box and 'aria-describedby="end-old-secret-help"' in box
    assert '<label class="form-check-label" for="id_end_old_secret">End the old secret now</label>' in confirm
    assert "programs using the old secret, and the tokens they hold, stop at once" in confirm
    html = client.post(url, {"version": "1", "end_old_secret": "on"}).content.decode()
    assert "The old secret and the tokens got with it stopped working" in html and "keeps working for" not in html
    new = _secret(html)
    assert token_response(app, old).status_code == 401 and token_response(app, new).status_code == 200
    assert not AccessToken.objects.filter(pk=held.pk).exists()
    entry = ActivityLog.objects.get(tenant=partner, kind="api.app_secret_rotated")
    assert (entry.actor, entry.data["ended_old_secret"]) == (partner_admin, True)


def test_revoke_asks_then_revokes_and_the_app_stays_listed(partner, partner_admin):
    client = client_for(partner_admin)
    app, secret = api_app(partner, name="PSA connector")
    url = f"/api-access/apps/{app.pk}/revoke/"
    assert "Revoke PSA connector?" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "PSA connector was revoked. Its tokens stopped working." in response.content.decode()
    app.refresh_from_db()
    assert app.revoked_at is not None and token_response(app, secret).status_code in (400, 401)
    assert "This app has been revoked already." in client.get(url, follow=True).content.decode()
    assert "it gets no new secret" in client.get(f"/api-access/apps/{app.pk}/rotate/", follow=True).content.decode()
    assert "it gets no new secret" in client.post(f"/api-access/apps/{app.pk}/rotate/", {"version": "1"},
                                                  follow=True).content.decode()


def test_another_partners_app_is_404_on_every_route_and_nothing_changes(partner, partner_admin):
    """The cross-tenant check of the API access routes (tests/test_url_sweep.py API_ACCESS_ROUTES)."""
    app, secret = api_app(partner)
    intruders = [member(PartnerFactory(), Role.GLOBAL_ADMIN), member(TenantFactory(), Role.CUSTOMER_GLOBAL_ADMIN)]
    from tests.test_url_sweep import API_ACCESS_ROUTES

    urls = {route: "/" + route.replace("<uuid:app_id>", str(app.pk)) for route in API_ACCESS_ROUTES}
    assert set(urls) == {"api-access/apps/<uuid:app_id>/rotate/", "api-access/apps/<uuid:app_id>/revoke/"}
    for intruder in intruders:
        client = client_for(intruder)
        for url in urls.values():
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"version": "1"}).status_code == 404, url
    app.refresh_from_db()
    assert app.revoked_at is None and app.secret_version == 1 and token_response(app, secret).status_code == 200


def test_the_activity_log_names_the_app_with_one_query_for_the_page(partner, partner_admin):
    client = client_for(partner_admin)
    apps = [api_app(partner, registrant=partner_admin, name=f"Robot {n}")[0] for n in range(3)]

    def acted(app) -> None:  # noqa: ANN001
        reset = acting_client.set(app.client_id)
        try:
            event_record(tenant=partner, kind="profile.updated", actor=partner_admin, data={"fields": ["phone"]})
        finally:
            acting_client.reset(reset)

    acted(apps[0])
    with CaptureQueriesContext(connection) as one:
        html = client.get("/activity/").content.decode()
    assert "Robot 0 <span" in html and "(API app)" in html
    for app in apps[1:]:
        acted(app)
        acted(app)
    with CaptureQueriesContext(connection) as five:
        html = client.get("/activity/").content.decode()
    assert len(five) == len(one)
    assert all(f"{app.name} <span" in html for app in apps)
    assert partner_admin.email in html  # entries of a user still name the user


def test_a_rotation_by_the_service_is_listed_with_the_same_client_id(partner, partner_admin):
    app, _secret = api_app(partner)
    api_app_secret_rotate(app=app, actor=partner_admin)
    assert client_for(partner_admin).get(LIST).content.decode().count(app.client_id) == 1


def test_the_activity_export_names_the_app_that_acted(partner, partner_admin):
    client = client_for(partner_admin)
    app = api_app(partner, registrant=partner_admin, name="Billing robot")[0]
    reset = acting_client.set(app.client_id)
    try:
        event_record(tenant=partner, kind="profile.updated", actor=partner_admin, data={"fields": ["phone"]})
        event_record(tenant=partner, kind="profile.updated", actor=partner_admin, data={"fields": ["name"]})
    finally:
        acting_client.reset(reset)
    event_record(tenant=partner, kind="profile.updated", actor=partner_admin, data={"fields": ["email"]})
    rows = list(csv.reader(io.StringIO(b"".join(
        client.get("/activity/", {"format": "csv"}).streaming_content).decode().lstrip("\ufeff"))))
    actors = [row[3] for row in rows[1:] if row[2] == "profile.updated"]
    assert sorted(actors) == sorted(["Billing robot (API app)", "Billing robot (API app)", partner_admin.email])
    assert app.client_id not in "".join(actors)


def test_deactivating_a_registrant_warns_which_apps_stop(partner, partner_admin):
    colleague = member(partner, Role.GLOBAL_ADMIN)
    api_app(partner, registrant=colleague, name="Zeta sync")
    api_app(partner, registrant=colleague, name="Alpha sync")
    revoked, _secret = api_app(partner, registrant=colleague, name="Old sync")
    api_app_revoke(app=revoked, actor=partner_admin)
    api_app(partner, registrant=partner_admin, name="Someone else's")
    html = client_for(partner_admin).get(f"/users/{colleague.pk}/deactivate/").content.decode()
    assert "their tokens are refused until the user is reactivated (Alpha sync, Zeta sync)" in html
    assert "Old sync" not in html and "Someone else" not in html
    loner = member(partner, Role.SALES_AGENT)
    assert "API app" not in client_for(partner_admin).get(f"/users/{loner.pk}/deactivate/").content.decode()
