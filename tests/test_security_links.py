"""Links as an attacker probes them: answers by POST judged as the page judges them, a limit on
not-found look-ups, drafts whose subject could never be sent, partnership requests bound to their
email, declines after a failed acceptance, re-accepted partnerships."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client

from invitations import services
from invitations.models import Acceptance, AcceptanceStatus, RequestStatus
from partnercenter.models import ActivityKind, ActivityLog, OutboxEmail
from partnercenter.roles import Role
from resellers import services as partnership_services
from resellers.models import IndirectPartnership, PartnershipRequest, PartnershipRequestStatus
from tests.browser_support import assert_accessible
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()



def create(partner, actor, **kwargs):
    kwargs.setdefault("include_dap", False)
    return services.invitation_create(partner=partner, actor=actor, **kwargs)


def _post(client, raw, action):
    return client.post(services.acceptance_path(raw) + f"{action}/")


def _strip(html: str) -> str:
    return re.sub(r'value="[^"]{40,}"|"X-CSRFToken": "[^"]+"', "", html)


def _not_found_page(client):
    return _strip(client.get(services.acceptance_path("A" * 43)).content.decode())


# --- 1. POST …/accept/ and …/decline/ answer as GET does ------------------------------------------


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_answers_to_an_expired_link_are_not_found_for_a_stranger_and_explained_to_its_customer(
        partner, partner_admin, customer, action):
    request, raw = create(partner, partner_admin, customer_email="mike@adatum.example")
    mike = member(customer, Role.CUSTOMER_GLOBAL_ADMIN, email="mike@adatum.example")
    stranger_tenant = TenantFactory()
    stranger = member(stranger_tenant, Role.CUSTOMER_GLOBAL_ADMIN)
    with time_machine.travel(request.expires_at + timedelta(seconds=5), tick=False):
        stranger_client = client_for(stranger)
        response = _post(stranger_client, raw, action)
        assert response.status_code == 404
        html = response.content.decode()
        assert "expired" not in html and "different email" not in html
        assert _strip(html) == _not_found_page(stranger_client)
        # The customer it was meant for learns that it expired (as the page tells them).
        mike_client = client_for(mike)
        response = _post(mike_client, raw, action)
        assert response.status_code == 302 and response.url == services.acceptance_path(raw)
        page = mike_client.get(response.url)
        assert page.status_code == 410 and "expired" in page.content.decode()
    assert not Acceptance.objects.exists()


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_answers_to_a_used_link_are_not_found_for_another_customer(partner, partner_admin, customer,
                                                                    customer_admin, action):
    _r, raw = create(partner, partner_admin)
    services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer)
    other = TenantFactory()
    client = client_for(member(other, Role.CUSTOMER_GLOBAL_ADMIN))
    response = _post(client, raw, action)
    assert response.status_code == 404
    assert "already" not in response.content.decode()
    assert Acceptance.objects.filter(customer=other).count() == 0


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_answers_to_a_used_addressed_link_by_another_email_are_not_found(partner, partner_admin, customer,
                                                                         action):
    _r, raw = create(partner, partner_admin, customer_email="mike@adatum.example")
    mike = member(customer, Role.CUSTOMER_GLOBAL_ADMIN, email="mike@adatum.example")
    services.invitation_accept(raw_token=raw, user=mike, customer=customer)
    other = TenantFactory()
    response = _post(client_for(member(other, Role.CUSTOMER_GLOBAL_ADMIN)), raw, action)
    assert response.status_code == 404
    assert "different email" not in response.content.decode()


def test_anonymous_answers_to_unknown_links_are_not_found_not_a_sign_in(client, partner, partner_admin):
    _r, raw = create(partner, partner_admin)
    assert _post(client, "A" * 43, "accept").status_code == 404
    assert _post(client, raw, "accept").status_code == 302  # a live link asks to sign in


def test_a_link_that_closes_between_page_and_click_is_not_found_for_a_stranger(partner, partner_admin, customer,
                                                                               customer_admin, monkeypatch):
    """The view looked at a pending link; the service then finds it taken: still the not-found answer."""
    _r, raw = create(partner, partner_admin)
    other = TenantFactory()
    other_admin = member(other, Role.CUSTOMER_GLOBAL_ADMIN)
    real_accept = services.invitation_accept

    def accept_after_someone_else(**kwargs):
        if kwargs["customer"] == other:
            real_accept(raw_token=raw, user=customer_admin, customer=customer)
        return real_accept(**kwargs)

    monkeypatch.setattr(services, "invitation_accept", accept_after_someone_else)
    response = _post(client_for(other_admin), raw, "accept")
    assert response.status_code == 404


# --- 3. A limit on probing links ------------------------------------------------------------------


def test_probing_links_is_limited_per_address_with_a_localised_429(partner, partner_admin, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "link_not_found": "3/m/ip"}
    _r, live = create(partner, partner_admin)
    prober = Client(REMOTE_ADDR="198.51.100.7")
    assert prober.get(services.acceptance_path("A" * 43)).status_code == 404
    assert prober.post(services.acceptance_path("B" * 43) + "accept/").status_code == 404
    assert prober.get("/partnerships/" + "C" * 43 + "/").status_code == 404
    blocked = prober.get(services.acceptance_path("D" * 43))
    assert blocked.status_code == 429
    # Once blocked, a live link answers 429 too: otherwise the 429 would tell which tokens exist.
    assert prober.get(services.acceptance_path(live)).status_code == 429
    assert prober.post(services.acceptance_path(live) + "decline/").status_code == 429
    # Another address is not affected.
    assert Client(REMOTE_ADDR="198.51.100.8").get(services.acceptance_path(live)).status_code == 200
    german = prober.get(services.acceptance_path("E" * 43), HTTP_ACCEPT_LANGUAGE="de")
    assert german.status_code == 429
    assert german.headers["Content-Language"] == "de"
    assert "<html" in german.content.decode()


def test_the_probing_limit_counts_the_address_behind_a_trusted_proxy(partner, partner_admin, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "link_not_found": "2/m/ip"}
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = Client(REMOTE_ADDR="10.0.0.5")
    for _ in range(2):
        assert proxy.get(services.acceptance_path("A" * 43),
                         HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404
    assert proxy.get(services.acceptance_path("A" * 43), HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    # Another client behind the same proxy has its own count; a forged header left of it changes nothing.
    assert proxy.get(services.acceptance_path("A" * 43),
                     HTTP_X_FORWARDED_FOR="203.0.113.9, 203.0.113.10").status_code == 404


# --- 5. A subject with a line break is refused beside the field -----------------------------------


@pytest.mark.parametrize("subject", ["Hi\r\nBcc: eve@evil.example", "Hi\nthere", "Hi\x1bthere", "Hi\u2028there"])
def test_both_drafts_refuse_a_subject_with_a_line_break_beside_the_field(provider, provider_admin, subject):
    partnership, raw = partnership_services.partnership_request_create(provider=provider, actor=provider_admin,
                                                                       email="admin@tailspin.example")
    relationship, raw2 = create(provider, provider_admin, customer_email="mike@adatum.example")
    client = client_for(provider_admin)
    for url, token, path in (
        (f"/resellers/requests/{partnership.id}/send/", raw, partnership_services.partnership_path(raw)),
        (f"/customers/requests/{relationship.id}/send/", raw2, services.acceptance_path(raw2)),
    ):
        link = "http://testserver" + path
        response = client.post(url, {"subject": subject, "body": f"Accept: {link}", "token": token})
        assert response.status_code == 400
        assert "subject" in response.context["form"].errors
        assert "single line" in str(response.context["form"].errors["subject"])
    assert not OutboxEmail.objects.exists()
    assert not ActivityLog.objects.filter(kind__in=[ActivityKind.REQUEST_SENT, ActivityKind.PARTNERSHIP_SENT]).exists()


# --- 6. A partnership request addressed by email is bound to it -----------------------------------


def test_partnership_request_by_email_is_accepted_only_by_that_verified_address(provider, provider_admin, reseller):
    request, raw = partnership_services.partnership_request_create(provider=provider, actor=provider_admin,
                                                                   email="Eva@Tailspin.example")
    intruder = member(reseller, Role.GLOBAL_ADMIN, email="mallory@tailspin.example")
    other_reseller = PartnerFactory(partner_type="indirect_reseller", country="HU")
    outsider = member(other_reseller, Role.GLOBAL_ADMIN, email="boss@other.example")
    for user, tenant in ((intruder, reseller), (outsider, other_reseller)):
        client = client_for(user)
        html = client.get(partnership_services.partnership_path(raw)).content.decode()
        assert "different email address" in html
        assert client.post(partnership_services.partnership_path(raw), {"answer": "accept"}).status_code == 404
        with pytest.raises(partnership_services.DomainError):
            partnership_services.partnership_accept(request_id=request.id, reseller=tenant, actor=user)
    unverified = member(reseller, Role.GLOBAL_ADMIN, email="eva@tailspin.example")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=unverified).update(verified=False)
    with pytest.raises(partnership_services.DomainError):
        partnership_services.partnership_accept(request_id=request.id, reseller=reseller, actor=unverified)
    assert not IndirectPartnership.objects.exists()
    EmailAddress.objects.filter(user=unverified).update(verified=True)
    # NFKC + casefold: the address as the provider typed it and as the user has it are the same.
    response = client_for(unverified).post(partnership_services.partnership_path(raw), {"answer": "accept"})
    assert response.status_code == 302
    assert IndirectPartnership.objects.filter(provider=provider, reseller=reseller).count() == 1


def test_a_partnership_link_taken_by_one_reseller_is_not_found_for_another(provider, provider_admin, reseller):
    request, raw = partnership_services.partnership_request_create(provider=provider, actor=provider_admin)
    partnership_services.partnership_accept(request_id=request.id, reseller=reseller,
                                            actor=member(reseller, Role.GLOBAL_ADMIN))
    other = PartnerFactory(partner_type="indirect_reseller", country="HU")
    client = client_for(member(other, Role.GLOBAL_ADMIN))
    assert client.get(partnership_services.partnership_path(raw)).status_code == 404
    assert client.post(partnership_services.partnership_path(raw), {"answer": "accept"}).status_code == 404


# --- 7. Decline after a failed acceptance ---------------------------------------------------------


@pytest.mark.parametrize("code", ["region", "dead"])
def test_decline_after_a_failed_acceptance_of_a_reusable_link_replaces_the_failed_row(
        partner, partner_admin, customer, customer_admin, code, settings):
    _r, raw = create(partner, partner_admin, reusable=True)
    acceptance = services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer)
    Acceptance.objects.filter(pk=acceptance.pk).update(status=AcceptanceStatus.FAILED, result_code=code)
    response = _post(client_for(customer_admin), raw, "decline")
    assert response.status_code == 302
    rows = list(Acceptance.objects.filter(customer=customer))
    assert [row.status for row in rows] == [AcceptanceStatus.DECLINED]
    for tenant in (partner, customer):
        assert ActivityLog.objects.filter(tenant=tenant, kind=ActivityKind.REQUEST_DECLINED).count() == 1


def test_decline_after_a_failed_acceptance_of_a_single_use_link(partner, partner_admin, customer, customer_admin):
    request, raw = create(partner, partner_admin)
    acceptance = services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer)
    Acceptance.objects.filter(pk=acceptance.pk).update(status=AcceptanceStatus.FAILED, result_code="dead")
    request.status = RequestStatus.PENDING
    request.save()
    assert _post(client_for(customer_admin), raw, "decline").status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED


# --- 9. Re-accepting an existing partnership mails nobody again -----------------------------------


def test_accepting_a_second_request_of_a_partnered_provider_sends_no_second_mail(provider, provider_admin, reseller):
    admin = member(reseller, Role.GLOBAL_ADMIN, email="eva@tailspin.example")
    first, _raw = partnership_services.partnership_request_create(provider=provider, actor=provider_admin)
    partnership = partnership_services.partnership_accept(request_id=first.id, reseller=reseller, actor=admin)
    assert len(mail.outbox) == 1
    second, _raw2 = partnership_services.partnership_request_create(provider=provider, actor=provider_admin,
                                                                    email="eva@tailspin.example")
    again = partnership_services.partnership_accept(request_id=second.id, reseller=reseller, actor=admin)
    assert again.pk == partnership.pk
    assert len(mail.outbox) == 1
    assert IndirectPartnership.objects.filter(provider=provider, reseller=reseller).count() == 1
    second.refresh_from_db()
    assert second.status == PartnershipRequestStatus.ACCEPTED and second.accepted_reseller == reseller
    assert ActivityLog.objects.filter(tenant=provider, kind=ActivityKind.PARTNERSHIP_ACCEPTED).count() == 2
    assert PartnershipRequest.objects.filter(status=PartnershipRequestStatus.PENDING).count() == 0


# --- 2. The sign-up form of an unaddressed link tells nobody who exists ---------------------------

SIGNUP = {"company_name": "Adatum AG", "primary_domain": "adatum.example", "country": "DE",
          "email": "mike@adatum.example", "password": "a-Long-enough-passw0rd"}


def _signup_answer(response, email: str) -> str:
    return _strip(response.content.decode()).replace(email, "EMAIL")


def test_signup_answers_the_same_for_new_and_existing_accounts_and_domains(partner, partner_admin):
    from partnercenter.models import Tenant, User

    _r, raw = create(partner, partner_admin, reusable=True)
    url = services.acceptance_path(raw)
    taken = TenantFactory(primary_domain="taken.example")
    owner = member(taken, Role.CUSTOMER_GLOBAL_ADMIN, email="owner@taken.example", language="de")
    tenants, users = Tenant.objects.count(), User.objects.count()
    attempts = [
        {**SIGNUP},  # new account, new domain
        {**SIGNUP, "email": "OWNER@taken.example", "primary_domain": "fresh.example"},  # existing account
        {**SIGNUP, "email": "eve@fresh.example", "primary_domain": "taken.example"},  # existing domain
    ]
    answers = set()
    for data in attempts:
        response = Client().post(url, data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "already" not in html and "registered" not in html and "Check your email" in html
        answers.add(_signup_answer(response, User.objects.normalize_email(data["email"])))
    assert len(answers) == 1
    assert (Tenant.objects.count(), User.objects.count()) == (tenants, users)
    # The owner of the existing account is told, in their language, through the outbox.
    to_owner = [m for m in mail.outbox if m.to == ["owner@taken.example"]]
    assert len(to_owner) == 1
    assert OutboxEmail.objects.filter(to_email="owner@taken.example", kind="customer_signup_account_exists",
                                      language="de").count() == 1
    assert url in to_owner[0].body and "/accounts/password/reset/" in to_owner[0].body
    assert "?confirm=" not in to_owner[0].body
    # The new addresses get a confirmation link; nothing in it names a domain or an account.
    for address in ("mike@adatum.example", "eve@fresh.example"):
        (message,) = [m for m in mail.outbox if m.to == [address]]
        assert f"{url}?confirm=" in message.body
    assert owner.email == "owner@taken.example"


def _confirm_url(address: str) -> str:
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return re.search(r"http://\S+\?confirm=\S+", message.body).group(0).replace("http://testserver", "")


def test_the_confirmation_link_creates_the_organisation_once_and_the_customer_can_accept(partner, partner_admin):
    from allauth.account.models import EmailAddress

    from partnercenter.models import Tenant

    _r, raw = create(partner, partner_admin, reusable=True)
    client = Client()
    client.post(services.acceptance_path(raw), SIGNUP)
    confirm = _confirm_url("mike@adatum.example")
    page = client.get(confirm)
    assert page.status_code == 200 and "Adatum AG" in page.content.decode()
    assert not Tenant.objects.filter(name="Adatum AG").exists()  # a mail scanner's GET creates nothing
    key = confirm.split("?confirm=")[1]
    response = client.post(services.acceptance_path(raw), {"confirm": key})
    assert response.status_code == 302 and response.url == services.acceptance_path(raw)
    customer = Tenant.objects.get(name="Adatum AG")
    assert EmailAddress.objects.get(email="mike@adatum.example").verified  # the mailbox is proven
    assert ActivityLog.objects.filter(tenant=customer, kind=ActivityKind.TENANT_CREATED).exists()
    assert client.post(services.acceptance_path(raw) + "accept/").status_code == 302
    assert Acceptance.objects.get(customer=customer).status == AcceptanceStatus.SUCCEEDED
    # The link works once.
    assert Client().get(confirm).status_code == 404


def test_a_domain_taken_is_named_only_at_confirmation_and_nothing_is_created(partner, partner_admin):
    from partnercenter.models import Tenant, User

    _r, raw = create(partner, partner_admin, reusable=True)
    client = Client()
    client.post(services.acceptance_path(raw), {**SIGNUP, "primary_domain": "taken.example"})
    TenantFactory(primary_domain="taken.example")
    key = _confirm_url("mike@adatum.example").split("?confirm=")[1]
    response = client.post(services.acceptance_path(raw), {"confirm": key})
    assert response.status_code == 409  # taken meanwhile (Conflict)
    assert "already registered" in response.content.decode()
    assert not User.objects.filter(email="mike@adatum.example").exists()
    assert Tenant.objects.filter(primary_domain="taken.example").count() == 1


def test_a_forged_confirmation_key_is_not_found(partner, partner_admin):
    _r, raw = create(partner, partner_admin, reusable=True)
    assert Client().get(services.acceptance_path(raw) + "?confirm=" + "x" * 43).status_code == 404
    assert Client().post(services.acceptance_path(raw), {"confirm": "x" * 43}).status_code == 404


def test_the_signup_form_is_rate_limited_per_address(partner, partner_admin, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "customer_signup": "2/m/ip"}
    _r, raw = create(partner, partner_admin, reusable=True)
    client = Client(REMOTE_ADDR="198.51.100.9")
    for i in range(2):
        assert client.post(services.acceptance_path(raw), {**SIGNUP, "email": f"u{i}@x.example"}).status_code == 200
    assert client.post(services.acceptance_path(raw), {**SIGNUP, "email": "u9@x.example"}).status_code == 429
    assert len(mail.outbox) == 2
    assert Client(REMOTE_ADDR="198.51.100.10").post(services.acceptance_path(raw), SIGNUP).status_code == 200


@pytest.mark.browser
def test_browser_reusable_link_signup_confirms_by_email_then_accepts(new_page, partner, partner_admin):
    _r, raw = create(partner, partner_admin, reusable=True)
    page = new_page()
    page.goto(services.acceptance_path(raw))
    page.get_by_label("Company name").fill("Adatum AG")
    page.get_by_label("Primary domain").fill("adatum.example")
    page.get_by_label("Country").select_option("DE")
    page.get_by_label("Email").fill("mike@adatum.example")
    page.get_by_label("Password").fill("A-very-good-passw0rd")
    page.get_by_role("button", name="Create organisation").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    assert_accessible(page, "sign-up: check your email")
    page.goto("/dev/outbox/")
    assert_accessible(page, "developer outbox")
    page.get_by_role("link", name="Confirm your email").first.click()
    assert_accessible(page, "developer outbox: the confirmation mail")
    page.locator("a[href*='?confirm=']").click()
    page.get_by_role("heading", name="Create your organisation").wait_for()
    assert_accessible(page, "sign-up: confirmation")
    page.get_by_role("button", name="Create organisation").click()
    page.get_by_text("Your organisation Adatum AG was created.").wait_for()
    page.get_by_role("button", name="Accept").click()
    page.get_by_text("is now your reseller").wait_for()
    from customers.models import ResellerRelationship

    assert ResellerRelationship.objects.filter(partner=partner, customer__name="Adatum AG").count() == 1
