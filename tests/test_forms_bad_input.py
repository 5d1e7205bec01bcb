"""Bad input on every form: a clear message beside the field, the input kept, nothing half-saved, no 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invitations import services as invitation_services
from invitations.models import RelationshipRequest
from partnercenter.models import CompanyProfile, Tenant, User
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, member

pytestmark = pytest.mark.django_db

HOSTILE = ["<script>alert(1)</script>", "' OR 1=1 --", "\u202e\u0000evil", "x" * 5000, "😀" * 300]


# --- Request a reseller relationship ----------------------------------------------------------


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@b.com", "x" * 300 + "@example.com", *HOSTILE])
def test_request_form_bad_email(partner, partner_admin, email):
    response = client_for(partner_admin).post("/customers/request-relationship/", {"customer_email": email})
    assert response.status_code == 400
    form = response.context["form"]
    assert "customer_email" in form.errors
    assert form["customer_email"].value() == email  # what was typed is kept
    assert not RelationshipRequest.objects.exists()


def test_request_form_addressed_and_reusable_conflict(partner, partner_admin):
    response = client_for(partner_admin).post(
        "/customers/request-relationship/", {"customer_email": "mike@adatum.example", "reusable": "on"}
    )
    assert response.status_code == 400 and "reusable" in response.context["form"].errors
    assert not RelationshipRequest.objects.exists()


def test_sales_agent_posting_dap_gets_a_message_not_a_request(partner):
    client = client_for(member(partner, Role.SALES_AGENT))
    response = client.post("/customers/request-relationship/", {"include_dap": "on"})
    assert response.status_code == 403  # the role's refusal (Forbidden), shown beside the field
    assert "without admin permissions only" in response.content.decode()
    assert not RelationshipRequest.objects.exists()


def test_usgov_form_has_no_dap_option_and_says_why():
    partner = PartnerFactory(cloud="usgov", country="US")
    html = client_for(member(partner, Role.GLOBAL_ADMIN)).get("/customers/request-relationship/").content.decode()
    assert "Include delegated administration privileges" not in html
    assert "US Government cloud" in html


# --- Draft / Send -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("subject", "body", "field"),
    [("", "{link}", "subject"), ("Hi", "", "body"), ("Hi", "the link was removed", "body"), ("x" * 201, "{link}", "subject"),
     ("Hi", "{link}" + "x" * 10_001, "body")],
)
def test_send_bad_draft_keeps_text_and_sends_nothing(partner, partner_admin, subject, body, field):
    from partnercenter.models import OutboxEmail

    request, raw = invitation_services.invitation_create(
        partner=partner, actor=partner_admin, include_dap=False, customer_email="mike@adatum.example"
    )
    link = "http://testserver" + invitation_services.acceptance_path(raw)
    body = body.replace("{link}", link)
    response = client_for(partner_admin).post(
        f"/customers/requests/{request.id}/send/", {"subject": subject, "body": body, "token": raw}
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert response.context["form"]["body"].value() == body
    assert not OutboxEmail.objects.exists()


# --- Company profile -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("legal_name", ""), ("legal_name", "   "), ("legal_name", "x" * 201), ("support_email", "nope"),
     ("website", "javascript:alert(1)"), ("phone", "12"), ("phone", "<script>"), ("country", "XX")],
)
def test_profile_bad_input(partner, partner_admin, field, value):
    before = CompanyProfile.objects.filter(tenant=partner).values().get()
    data = {"legal_name": "Contoso Cloud GmbH", "phone": "", "support_email": "", "website": "", "address_line1": "",
            "address_line2": "", "city": "", "postal_code": "", "country": "DE", field: value}
    response = client_for(partner_admin).post("/company-profile/edit/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert str(form[field].value()) == value
    after = CompanyProfile.objects.filter(tenant=partner).values().get()
    assert after == before


def test_profile_saves_and_formats_phone(partner, partner_admin):
    data = {"legal_name": "Contoso Cloud GmbH", "phone": "030 1234567", "support_email": "help@contoso.example",
            "website": "https://contoso.example", "address_line1": "", "address_line2": "", "city": "Berlin",
            "postal_code": "", "country": "DE"}
    response = client_for(partner_admin).post("/company-profile/edit/", data)
    assert response.status_code == 302
    profile = CompanyProfile.objects.get(tenant=partner)
    assert profile.phone == "+49 30 1234567" and profile.city == "Berlin"


# --- Create the customer tenant on the acceptance page (hypothesis) -----------------------------


def _signup_url(partner, admin, email=""):
    _request, raw = invitation_services.invitation_create(partner=partner, actor=admin, include_dap=False,
                                                          customer_email=email)
    return invitation_services.acceptance_path(raw)


VALID = {"company_name": "Adatum AG", "primary_domain": "adatum.example", "country": "DE",
         "email": "mike@adatum.example", "password": "a-Long-enough-passw0rd"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("company_name", ""), ("company_name", "x" * 201), ("primary_domain", "not a domain"),
     ("primary_domain", "-bad-.example"), ("primary_domain", "localhost"), ("primary_domain", "x" * 300 + ".com"),
     ("primary_domain", "http://adatum.example/"), ("country", ""), ("country", "XX"), ("email", "nope"),
     ("password", "short"), ("password", "password123"), ("country", "US")],
)
def test_signup_bad_input(client, partner, partner_admin, field, value):
    url = _signup_url(partner, partner_admin)
    data = {**VALID, field: value}
    response = client.post(url, data)
    assert response.status_code == 400
    form = response.context["signup_form"]
    assert field in form.errors, form.errors
    if field != "password":
        assert form[field].value() == value
    assert not Tenant.objects.filter(kind="customer").exists()
    assert not User.objects.filter(email="mike@adatum.example").exists()


def test_signup_domain_taken_and_idn(client, partner, partner_admin):
    # Addressed links create at once (an unaddressed one confirms by email first: tests/test_security_links.py).
    url = _signup_url(partner, partner_admin, email="mike@adatum.example")
    response = client.post(url, {**VALID, "primary_domain": "Müller-Bäckerei.example"})
    assert response.status_code == 302
    tenant = Tenant.objects.get(kind="customer")
    assert tenant.primary_domain.startswith("xn--mller-bckerei-") and tenant.primary_domain.isascii()
    assert tenant.domain_display == "müller-bäckerei.example"
    other = client_for(partner_admin).__class__()
    response = other.post(_signup_url(partner, partner_admin, email="eva@other.example"),
                          {**VALID, "email": "eva@other.example", "primary_domain": "MÜLLER-bäckerei.example"})
    assert response.status_code == 409 and "primary_domain" in response.context["signup_form"].errors  # taken
    assert Tenant.objects.filter(kind="customer").count() == 1


def test_signup_addressed_link_requires_that_email(client, partner, partner_admin):
    _r, raw = invitation_services.invitation_create(
        partner=partner, actor=partner_admin, include_dap=False, customer_email="mike@adatum.example"
    )
    response = client.post(invitation_services.acceptance_path(raw), {**VALID, "email": "eve@adatum.example"})
    assert response.status_code == 400 and "email" in response.context["signup_form"].errors
    assert not Tenant.objects.filter(kind="customer").exists()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    company_name=st.text(max_size=250),
    primary_domain=st.text(max_size=260),
    country=st.sampled_from(["", "DE", "AT", "US", "ZZ", "de", "<x>"]),
    email=st.one_of(st.emails(), st.text(max_size=80)),
    password=st.text(max_size=140),
)
def test_signup_never_500_and_never_half_saved(partner, partner_admin, company_name, primary_domain, country, email,
                                               password):
    from django.test import Client

    url = _signup_url(partner, partner_admin)
    tenants_before, users_before = Tenant.objects.count(), User.objects.count()
    response = Client().post(url, {"company_name": company_name, "primary_domain": primary_domain,
                                   "country": country, "email": email, "password": password})
    # 200: the "check your email" answer of an unaddressed link; nothing exists before the confirmation.
    assert response.status_code in (200, 400)
    assert Tenant.objects.count() == tenants_before and User.objects.count() == users_before


def test_signup_country_names_follow_the_language(client, partner, partner_admin):
    url = _signup_url(partner, partner_admin)
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert ">Deutschland<" in html and ">Österreich<" in html
