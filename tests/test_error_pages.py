"""Error pages: 400, 403, 404, CSRF failure in the layout, 500 static; in the visitor's language, saying
what happened and offering the way back. Garbage page cursors never end in an error page."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import include, path

from partnercenter.models import PartnerType
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, member


def _boom(request: HttpRequest):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom), path("", include("partnercenter.urls"))]
handler500 = "partnercenter.error_views.server_error"

pytestmark = pytest.mark.django_db


def _in_layout(html: str) -> None:
    assert 'id="main"' in html and "navbar" in html and "bootstrap.min.css" in html
    assert 'href="/"' in html  # the way back (start page)


def test_404_is_in_the_layout_and_the_visitors_language():
    english = Client().get("/no-such-page/")
    assert english.status_code == 404
    html = english.content.decode()
    _in_layout(html)
    assert "Page not found" in html and "Back to the previous page" in html and "Go to the sign-in page" in html
    german = Client(HTTP_ACCEPT_LANGUAGE="de").get("/no-such-page/").content.decode()
    assert '<html lang="de">' in german and "Seite nicht gefunden" in german and "Page not found" not in german
    hungarian = Client(HTTP_ACCEPT_LANGUAGE="hu").get("/no-such-page/").content.decode()
    assert '<html lang="hu">' in hungarian and "Az oldal nem található" in hungarian


def test_a_signed_in_users_404_uses_their_saved_language_and_leads_to_the_start_page(partner):
    client = client_for(member(partner, Role.GLOBAL_ADMIN, language="hu"))
    response = client.get("/customers/00000000-0000-0000-0000-000000000000/account/")
    html = response.content.decode()
    assert response.status_code == 404 and "Az oldal nem található" in html and "Ugrás a kezdőlapra" in html


def test_a_helpdesk_agent_opening_add_customer_gets_the_localised_403_in_the_layout(partner):
    client = client_for(member(partner, Role.HELPDESK_AGENT, language="de"))
    response = client.get("/customers/add/")
    html = response.content.decode()
    assert response.status_code == 403
    _in_layout(html)
    assert "Zugriff verweigert" in html and "403 Forbidden" not in html
    english = client_for(member(partner, Role.HELPDESK_AGENT)).get("/customers/add/").content.decode()
    assert "Access denied" in english and "Your role in this organisation does not allow" in english


def test_a_csrf_failure_explains_itself_in_the_layout(partner):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="hu")
    client.force_login(member(partner, Role.GLOBAL_ADMIN, language="de"))
    response = client.post("/company-profile/security/", {"mfa_required": "on"})
    html = response.content.decode()
    assert response.status_code == 403
    _in_layout(html)
    assert "Das Formular ist abgelaufen" in html and "CSRF verification failed" not in html


def test_400_is_in_the_layout(settings):
    response = Client(HTTP_ACCEPT_LANGUAGE="de").get("/", HTTP_HOST="evil.example")
    html = response.content.decode()
    assert response.status_code == 400
    _in_layout(html)
    assert "Ungültige Anfrage" in html


@pytest.mark.urls("tests.test_error_pages")
def test_500_is_a_static_page_in_the_visitors_language():
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="de")
    response = client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="de">' in html and "Bei uns ist etwas schiefgegangen" in html and 'href="/"' in html


def test_500_renders_without_the_database_or_context_processors(django_assert_num_queries):
    from partnercenter.error_views import server_error

    request = RequestFactory().get("/boom/")  # no session, no user, no tenant: nothing a processor needs
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500 and b"Something went wrong on our side" in response.content


# --- Garbage page cursors -------------------------------------------------------------------------

GARBAGE = ["%%%", "e30", "bm90LWpzb24", "eyJ2IjogMSwgImlkIjogIngifQ", "W10", "x" * 600,
           "eyJ2IjoiQSIsImlkIjo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5fQ"]


@pytest.mark.parametrize("cursor", GARBAGE)
@pytest.mark.parametrize("sort", ["name", "-created"])
def test_a_garbage_customers_cursor_shows_the_first_page_with_a_message(cursor, sort, partner, settings):
    settings.DEBUG = True  # even in the demo: never Django's debug 404
    client = client_for(member(partner, Role.GLOBAL_ADMIN))
    response = client.get("/customers/", {"cursor": cursor, "sort": sort})
    assert response.status_code == 200
    assert "That page link was not valid, so the first page is shown." in response.content.decode()
    partial = client.get("/customers/", {"cursor": cursor, "dir": "prev"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200


BEFORE = ["abc", "-1", "0", "1e5", "99999999999999999999999999", "9223372036854775808", "\x00"]


@pytest.mark.parametrize("before", BEFORE)
def test_garbage_before_on_the_activity_log_and_relationship_requests_is_the_first_page(before, partner):
    client = client_for(member(partner, Role.GLOBAL_ADMIN))
    assert client.get("/activity/", {"before": before}).status_code == 200
    assert client.get("/customers/requests/", {"before": before}).status_code == 200


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999999999999999999999999", "1.5"])
def test_garbage_page_on_the_indirect_resellers_list(page):
    provider = PartnerFactory(partner_type=PartnerType.INDIRECT_PROVIDER)
    client = client_for(member(provider, Role.GLOBAL_ADMIN))
    assert client.get("/resellers/", {"page": page}).status_code == 200
