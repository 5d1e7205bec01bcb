"""Sign-in: no open sign-up, login rate limits per account, language per user, tenant switcher, MFA."""

from __future__ import annotations

import pytest
from django.test import Client

from partnercenter.models import Membership, User
from partnercenter.roles import Role
from tests.conftest import client_for, login_post
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache(clear_cache):
    yield


_login = login_post


def test_signup_is_closed(client):
    response = client.post("/accounts/signup/", {"email": "new@example.com", "password1": "a-Long-passw0rd!"})
    assert response.status_code in (200, 403)
    assert not User.objects.filter(email="new@example.com").exists()


def test_failed_logins_lock_that_account_only_and_success_elsewhere_does_not_reset(partner):
    victim = member(partner, Role.GLOBAL_ADMIN, email="victim@contoso.example")
    other = member(partner, Role.SALES_AGENT, email="other@contoso.example")
    client = Client()
    for _ in range(5):
        assert _login(client, victim.email, "wrong-password").status_code == 200
    # Another account signs in successfully from the same address...
    assert _login(Client(), other.email, "partnercenter").status_code == 302
    # ...and the victim's account is still locked, even with the right password.
    locked_out = Client()
    response = _login(locked_out, victim.email, "partnercenter")
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in locked_out.session
    assert b"Too many failed login attempts" in response.content or response.status_code == 429


def test_user_language_is_remembered_and_wins_over_the_browser(partner):
    user = member(partner, Role.GLOBAL_ADMIN)
    client = client_for(user)
    response = client.post("/language/", {"language": "hu", "next": "/customers/"})
    assert response.status_code == 302 and response["Location"] == "/customers/"
    user.refresh_from_db()
    assert user.language == "hu"
    fresh = client_for(user)
    response = fresh.get("/customers/", HTTP_ACCEPT_LANGUAGE="de")
    assert response["Content-Language"] == "hu"


def test_browser_language_is_used_when_signed_out(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert response["Content-Language"] == "de"


def test_language_switch_rejects_foreign_redirects(client):
    response = client.post("/language/", {"language": "de", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_tenant_switcher_changes_the_active_tenant():
    partner = PartnerFactory()
    customer = TenantFactory()
    user = member(partner, Role.GLOBAL_ADMIN)
    Membership.objects.create(user=user, tenant=customer, role=Role.CUSTOMER_GLOBAL_ADMIN)
    client = client_for(user)
    assert client.get("/").url == "/customers/"
    assert client.post("/switch-tenant/", {"tenant": str(customer.id)}).status_code == 302
    assert client.get("/").url == "/admin-center/"
    # A tenant the user is not a member of cannot be switched to.
    assert client.post("/switch-tenant/", {"tenant": str(PartnerFactory().id)}).status_code == 404


def test_tenant_that_requires_mfa_sends_users_to_totp_setup():
    partner = PartnerFactory(mfa_required=True)
    client = client_for(member(partner, Role.GLOBAL_ADMIN))
    response = client.get("/customers/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/totp/activate")
    assert client.get(response["Location"], follow=True).status_code == 200


def test_mfa_pages_render(partner, partner_admin):
    assert client_for(partner_admin).get("/accounts/2fa/").status_code == 200


def test_global_admin_requires_mfa_for_the_tenant(partner, partner_admin):
    from partnercenter.models import ActivityKind, ActivityLog

    client = client_for(partner_admin)
    assert client_for(member(partner, Role.ADMIN_AGENT)).post("/company-profile/security/",
                                                              {"mfa_required": "on"}).status_code == 403
    assert client.post("/company-profile/security/", {"mfa_required": "on"}).status_code == 302
    partner.refresh_from_db()
    assert partner.mfa_required
    assert ActivityLog.objects.filter(tenant=partner, kind=ActivityKind.MFA_POLICY).count() == 1
    assert client.get("/customers/")["Location"].startswith("/accounts/2fa/totp/activate")


@pytest.mark.django_db(transaction=True)
def test_password_reset_mail_goes_through_the_outbox(partner):
    from django.core import mail

    from partnercenter.models import OutboxEmail, OutboxStatus

    user = member(partner, Role.GLOBAL_ADMIN, email="forgetful@contoso.example")
    Client().post("/accounts/password/reset/", {"email": user.email})
    row = OutboxEmail.objects.get(to_email=user.email)
    assert row.status == OutboxStatus.SENT and "/accounts/password/reset/key/" in row.body
    assert len(mail.outbox) == 1


def test_sign_in_message_is_in_the_users_language(partner):
    user = member(partner, Role.GLOBAL_ADMIN, email="anna@contoso.example", language="de")
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": "partnercenter"}, follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Erfolgreich als anna@contoso.example angemeldet." in html and "Successfully" not in html


def test_backend_loads_the_user_and_its_active_memberships_in_one_query(partner, django_assert_num_queries):
    from partnercenter.backends import EmailBackend, ModelBackend

    other = PartnerFactory()
    user = member(partner, Role.GLOBAL_ADMIN, Role.SALES_AGENT)
    Membership.objects.create(user=user, tenant=other, role=Role.HELPDESK_AGENT, is_active=False)
    for backend in (ModelBackend(), EmailBackend()):
        with django_assert_num_queries(1):
            loaded = backend.get_user(str(user.pk))
            assert loaded == user
            assert sorted(m.role for m in loaded.loaded_memberships) == sorted([Role.GLOBAL_ADMIN, Role.SALES_AGENT])
            assert {m.tenant.name for m in loaded.loaded_memberships} == {partner.name}
            assert all(m.user is loaded for m in loaded.loaded_memberships)
    # A user without memberships (an operator) is still found; an inactive user or junk is not.
    operator = User.objects.create_superuser("operator@example.com", None)
    with django_assert_num_queries(2):
        loaded = ModelBackend().get_user(operator.pk)
        assert loaded == operator and loaded.loaded_memberships == []
    user.is_active = False
    user.save()
    assert ModelBackend().get_user(user.pk) is None
    assert ModelBackend().get_user("not-a-number") is None


def test_a_revoked_membership_takes_effect_on_the_next_request(partner):
    user = member(partner, Role.GLOBAL_ADMIN)
    client = client_for(user)
    assert client.get("/customers/").status_code == 200
    Membership.objects.filter(user=user).update(is_active=False)
    # No organisation any more: the session ends (tests/test_members_users.py, signed out at the next request).
    assert client.get("/customers/")["Location"] == "/accounts/login/" and "_auth_user_id" not in client.session
