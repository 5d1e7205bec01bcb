"""Issue 8, found in review: addresses typed in Unicode are stored as punycode, sign-in limits hold per
spelling of an address, and a customer row names its offers in the reader's language."""

from __future__ import annotations

import pytest
from django.test import Client

from links.tokens import email_normalize
from partnercenter.models import User
from partnercenter.services import customer_with_admin_create

pytestmark = pytest.mark.django_db

UNICODE = "chef@kávé-review.example"
PUNY = "chef@xn--kv-review-01a3g.example"


def test_one_comparison_for_both_spellings_of_an_address():
    assert email_normalize(UNICODE) == email_normalize(PUNY) == PUNY
    assert email_normalize(" Chef@KÁVÉ-review.example ") == PUNY


def test_a_customer_admin_signed_up_in_unicode_is_stored_as_punycode_and_signs_in_with_either_form():
    _tenant, user = customer_with_admin_create(
        company_name="Kávé Review Kft.", primary_domain="kávé-review.example", country="HU", cloud="public",
        email=UNICODE, password="Correct-horse-9", language="hu", email_verified=True,
    )
    assert User.objects.get(pk=user.pk).email == PUNY
    for typed in (UNICODE, PUNY):
        client = Client()
        response = client.post("/accounts/login/", {"login": typed, "password": "Correct-horse-9"})
        assert response.status_code == 302, typed
        assert client.session.get("_auth_user_id") == str(user.pk)


def test_an_expanded_customer_row_names_the_offer_in_the_readers_language(partner, partner_admin, customer):
    from django.utils import translation

    from subscriptions.selectors import subscriptions_for_rows
    from tests.test_subscriptions import buy, make_ready

    make_ready(partner, customer)
    buy(partner, customer, partner_admin, ("crm-sales", 10))
    english = subscriptions_for_rows(partner=partner, customer_ids=[customer.id])[customer.id][0].offer
    with translation.override("hu"):
        hungarian = subscriptions_for_rows(partner=partner, customer_ids=[customer.id])[customer.id][0].offer
    assert english == "CRM Sales Professional"
    assert hungarian == "CRM Értékesítés Professional"


def test_a_confirmation_re_issues_only_the_request_it_was_shown_for(partner, partner_admin):
    """Enter on the warning's form after the address was changed must not kill another request's link."""
    from invitations import services
    from invitations.models import RelationshipRequest
    from links.tokens import token_digest
    from tests.conftest import client_for

    first, _ = services.invitation_create(partner=partner, actor=partner_admin, include_dap=False,
                                          customer_email="a@adatum.example")
    second, second_raw = services.invitation_create(partner=partner, actor=partner_admin, include_dap=False,
                                                    customer_email="b@adatum.example")
    client = client_for(partner_admin)
    # The warning was shown for a@ (its button carries first.pk); the user changed the address to b@.
    again = client.post("/customers/request-relationship/", {"customer_email": "b@adatum.example",
                                                             "reissue": str(first.pk)})
    assert again.status_code == 200
    assert f'name="reissue" value="{second.pk}"' in again.content.decode()
    assert RelationshipRequest.objects.get(pk=second.pk).token_digest == token_digest(second_raw)
    assert RelationshipRequest.objects.get(pk=second.pk).reissued_at is None
    for garbage in ("1", "x" * 5000, "-1"):
        assert client.post("/customers/request-relationship/", {"customer_email": "b@adatum.example",
                                                                "reissue": garbage}).status_code == 200
    assert RelationshipRequest.objects.get(pk=second.pk).reissued_at is None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_browser_a_long_address_fits_the_draft_and_the_reissue_warning(new_page, viewport):
    """A long customer address neither widens the page at 390 px nor hides the warning's contrast."""
    from partnercenter.roles import Role
    from tests.browser_support import assert_accessible, sign_in
    from tests.factories import PartnerFactory, member

    partner = PartnerFactory(name="Contoso Cloud GmbH", country="DE")
    agent = member(partner, Role.ADMIN_AGENT, email="agent@contoso.example")
    address = "procurement.department.head.of.it-operations@adatum-maschinenbau-aktiengesellschaft.example"
    page = new_page(viewport=viewport)
    sign_in(page, agent.email)
    for state in ("email draft", "re-issue warning"):
        page.goto("/customers/request-relationship/")
        page.get_by_label("Customer email").fill(address)
        page.get_by_role("button", name="Create link and draft").click()
        if state == "re-issue warning":
            page.get_by_role("button", name="Re-issue the request").wait_for()
        else:
            page.locator("#draft-link").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), state
        assert_accessible(page, state)


def test_the_account_wide_sign_in_ceiling_is_far_above_what_one_address_may_fail(settings):
    """Failures from a few addresses must not lock the owner out: the default ceiling per account is
    many times the per-address + account limit (per hour)."""
    from partnercenter.settings import ACCOUNT_RATE_LIMITS as defaults

    def per_hour(rule: str) -> float:
        amount, period = rule.split("/")[:2]
        seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}
        digits = "".join(ch for ch in period if ch.isdigit()) or "1"
        return int(amount) * 3600 / (int(digits) * seconds[period[-1]])

    pair = next(r for r in defaults["login_failed"].split(",") if r.endswith("/key"))
    assert per_hour(defaults["login_failed_account"]) >= 10 * per_hour(pair)


def test_docker_compose_passes_the_trusted_proxy_settings_through():
    from pathlib import Path

    compose = (Path(__file__).resolve().parent.parent / "docker-compose.yml").read_text()
    assert "TRUSTED_PROXIES: ${TRUSTED_PROXIES" in compose and "PROXY_COUNT: ${PROXY_COUNT" in compose


@pytest.mark.parametrize(("language", "sign_in"), [("en", "Sign in"), ("de", "Anmelden"), ("hu", "Bejelentkezés")])
def test_the_closed_sign_up_page_says_how_to_get_an_account(client, language, sign_in):
    html = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert 'id="how-to-get-an-account"' in html and sign_in in html
    assert "currently closed" not in html and "derzeit geschlossen" not in html
