"""Invite user (issue 11 §1): the grant rule, the link lifecycle, only the invited address accepts,
account creation with a password, two-factor at once, tenant isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from invitations.errors import PendingRequestExists
from links.models import LinkStatus
from links.services import links_expire
from members.events import MemberInvitationEvents
from members.models import MemberInvitation
from members.rules import roles_grantable
from members.services import invites
from partnercenter.errors import Conflict, Expired, Forbidden, Invalid, NotFound
from partnercenter.models import ActivityLog, Membership, OutboxEmail, User
from partnercenter.roles import PARTNER_ROLES, Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, member

pytestmark = pytest.mark.django_db


def _invite(tenant, actor, email="new.colleague@example.com", roles=(Role.SALES_AGENT,), **kwargs):  # noqa: ANN001, ANN202
    kwargs.setdefault("language", "de")
    return invites.invite_create(tenant=tenant, actor=actor, email=email, name="New Colleague", roles=list(roles),
                                 **kwargs)


# --- The rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("held", "expected"), [
    ((Role.GLOBAL_ADMIN,), set(PARTNER_ROLES)),
    ((Role.ADMIN_AGENT,), set(PARTNER_ROLES) - {Role.GLOBAL_ADMIN}),
    ((Role.SALES_AGENT,), {Role.SALES_AGENT}),
    ((Role.HELPDESK_AGENT, Role.BILLING_ADMIN), {Role.HELPDESK_AGENT, Role.BILLING_ADMIN}),
])
def test_roles_grantable_never_exceeds_ones_own(partner, held, expected):
    assert roles_grantable(member(partner, *held), partner) == expected


def test_roles_grantable_counts_only_active_roles_of_this_tenant(partner):
    user = member(PartnerFactory(), Role.GLOBAL_ADMIN)
    assert roles_grantable(user, partner) == set()
    Membership.objects.create(user=user, tenant=partner, role=Role.GLOBAL_ADMIN, is_active=False)
    assert roles_grantable(user, partner) == set()


def test_only_global_admins_invite_and_never_a_role_above_their_own(partner, partner_admin):
    with pytest.raises(Forbidden):
        _invite(partner, member(partner, Role.ADMIN_AGENT))
    invitation, _raw = _invite(partner, partner_admin, roles=[Role.GLOBAL_ADMIN, Role.HELPDESK_AGENT])
    assert invitation.roles == [Role.GLOBAL_ADMIN, Role.HELPDESK_AGENT]


@pytest.mark.parametrize(("field", "kwargs"), [
    ("email", {"email": "not-an-address"}),
    ("email", {"email": "a" * 250 + "@example.com"}),
    ("roles", {"roles": []}),
    ("roles", {"roles": [Role.CUSTOMER_GLOBAL_ADMIN]}),
    ("language", {"language": "fr"}),
])
def test_bad_input_names_the_field_and_saves_nothing(partner, partner_admin, field, kwargs):
    with pytest.raises(Invalid) as caught:
        _invite(partner, partner_admin, **kwargs)
    assert caught.value.field == field
    assert not MemberInvitation.objects.exists() and not OutboxEmail.objects.exists()


def test_an_active_member_is_not_invited_again(partner, partner_admin):
    with pytest.raises(Conflict):
        _invite(partner, partner_admin, email=partner_admin.email.upper())


# --- The lifecycle -------------------------------------------------------------------------------


def test_invite_mails_the_link_in_the_chosen_language_with_activity(partner, partner_admin):
    invitation, raw = _invite(partner, partner_admin, email="Neu@Example.COM", language="hu")
    assert invitation.email == "neu@example.com" and invitation.status == LinkStatus.PENDING
    mail = OutboxEmail.objects.get()
    assert mail.to_email == "neu@example.com" and mail.language == "hu"
    assert f"/users/invitation/{raw}/" in mail.body
    kinds = set(ActivityLog.objects.filter(tenant=partner).values_list("kind", flat=True))
    assert {MemberInvitationEvents.INVITATION_CREATED, MemberInvitationEvents.INVITATION_SENT} <= kinds
    invitation.refresh_from_db()
    assert invitation.sent_by == partner_admin and invitation.expires_at > timezone.now() + timedelta(days=6)


def test_a_duplicate_pending_invitation_is_reissued_only_when_confirmed(partner, partner_admin):
    first, old_raw = _invite(partner, partner_admin)
    with pytest.raises(PendingRequestExists) as caught:
        _invite(partner, partner_admin, email="NEW.colleague@example.com")
    assert caught.value.existing == first
    again, new_raw = _invite(partner, partner_admin, roles=[Role.HELPDESK_AGENT], reissue=True)
    assert again.pk == first.pk and again.roles == [Role.HELPDESK_AGENT]
    assert MemberInvitation.objects.count() == 1
    from members.selectors_invites import invitation_by_token

    assert invitation_by_token(old_raw) is None and invitation_by_token(new_raw).pk == first.pk


def test_resend_replaces_the_link_and_revoke_ends_it(partner, partner_admin):
    invitation, old_raw = _invite(partner, partner_admin)
    new_raw = invites.invite_resend(invitation=invitation, actor=partner_admin)
    assert new_raw != old_raw and OutboxEmail.objects.count() == 2
    user = member(PartnerFactory(), Role.SALES_AGENT, email="new.colleague@example.com")
    with pytest.raises(NotFound):
        invites.invite_accept(raw_token=old_raw, user=user)
    invites.invite_revoke(invitation=invitation, actor=partner_admin)
    with pytest.raises(NotFound):
        invites.invite_accept(raw_token=new_raw, user=user)
    with pytest.raises(Conflict):
        invites.invite_revoke(invitation=invitation, actor=partner_admin)
    with pytest.raises(Conflict):
        invites.invite_resend(invitation=invitation, actor=partner_admin)
    assert not Membership.objects.filter(user=user, tenant=partner).exists()
    assert ActivityLog.objects.filter(tenant=partner, kind=MemberInvitationEvents.INVITATION_REVOKED).exists()


def test_an_expired_link_is_refused_swept_and_can_be_resent(partner, partner_admin):
    invitation, raw = _invite(partner, partner_admin)
    MemberInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    user = member(PartnerFactory(), email="new.colleague@example.com")
    with pytest.raises(Expired):
        invites.invite_accept(raw_token=raw, user=user)
    assert links_expire() == 1
    invitation.refresh_from_db()
    assert invitation.status == LinkStatus.EXPIRED
    assert ActivityLog.objects.filter(tenant=partner, kind=MemberInvitationEvents.INVITATION_EXPIRED).exists()
    fresh = invites.invite_resend(invitation=invitation, actor=partner_admin)
    invites.invite_accept(raw_token=fresh, user=user)
    assert set(Membership.objects.filter(user=user, tenant=partner).values_list("role", flat=True)) == {
        Role.SALES_AGENT}


# --- Accepting -----------------------------------------------------------------------------------


def test_an_existing_account_joins_with_the_roles_and_the_inviter_is_told(partner, partner_admin):
    other = PartnerFactory()
    user = member(other, Role.HELPDESK_AGENT, email="new.colleague@example.com")
    invitation, raw = _invite(partner, partner_admin, roles=[Role.ADMIN_AGENT, Role.BILLING_ADMIN])
    invites.invite_accept(raw_token=raw, user=user)
    assert set(Membership.objects.filter(user=user, tenant=partner).values_list("role", flat=True)) == {
        Role.ADMIN_AGENT, Role.BILLING_ADMIN}
    assert Membership.objects.filter(user=user, tenant=other).exists()  # still a member of the other one
    invitation.refresh_from_db()
    assert invitation.status == LinkStatus.ACCEPTED and invitation.accepted_user == user
    assert OutboxEmail.objects.filter(to_email=partner_admin.email, kind="member_invitation_accepted").count() == 1
    entry = ActivityLog.objects.get(tenant=partner, kind=MemberInvitationEvents.INVITATION_ACCEPTED)
    assert entry.actor == user
    # Single use: the same person again changes nothing, anyone else is refused.
    invites.invite_accept(raw_token=raw, user=user)
    assert OutboxEmail.objects.filter(kind="member_invitation_accepted").count() == 1
    with pytest.raises(Conflict):
        invites.invite_accept(raw_token=raw, user=member(other, email="someone@example.com"))


@pytest.mark.parametrize("address", ["NEW.Colleague@example.com", "new.colleague@example.com", "ｎｅｗ.colleague@example.com"])
def test_the_invited_address_matches_after_nfkc_and_casefold(partner, partner_admin, address):
    _invitation, raw = _invite(partner, partner_admin)
    user = member(PartnerFactory(), email=address)
    invites.invite_accept(raw_token=raw, user=user)
    assert Membership.objects.filter(user=user, tenant=partner).exists()


def test_only_the_invited_verified_address_can_accept(partner, partner_admin):
    _invitation, raw = _invite(partner, partner_admin)
    stranger = member(PartnerFactory(), email="someone.else@example.com")
    with pytest.raises(Forbidden):
        invites.invite_accept(raw_token=raw, user=stranger)
    unverified = member(PartnerFactory(), email="new.colleague@example.com")
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    with pytest.raises(Forbidden):
        invites.invite_accept(raw_token=raw, user=unverified)
    assert not Membership.objects.filter(tenant=partner).exclude(user=partner_admin).exists()


def test_the_page_for_the_wrong_account_says_whom_to_sign_in_as(partner, partner_admin):
    _invitation, raw = _invite(partner, partner_admin)
    client = client_for(member(PartnerFactory(), email="someone.else@example.com"))
    page = client.get(f"/users/invitation/{raw}/")
    assert page.status_code == 200
    assert "new.colleague@example.com" in page.content.decode() and "Sign out" in page.content.decode()
    assert client.post(f"/users/invitation/{raw}/").status_code == 302
    assert not Membership.objects.filter(tenant=partner, user__email="someone.else@example.com").exists()


def test_signed_in_as_the_invitee_join_sets_the_tenant_and_mfa_is_required_at_once(partner, partner_admin):
    partner.mfa_required = True
    partner.save()
    _invitation, raw = _invite(partner, partner_admin)
    user = member(PartnerFactory(), email="new.colleague@example.com")
    client = client_for(user)
    page = client.get(f"/users/invitation/{raw}/")
    assert f"Join {partner.name}" in page.content.decode()
    joined = client.post(f"/users/invitation/{raw}/")
    assert joined.status_code == 302
    assert client.session["active_tenant_id"] == str(partner.id)
    assert client.get(joined["Location"])["Location"].startswith("/accounts/2fa/")


@pytest.mark.parametrize("state", ["expired", "revoked", "accepted"])
def test_closed_links_show_the_reason(partner, partner_admin, state):
    invitation, raw = _invite(partner, partner_admin)
    if state == "expired":
        MemberInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        words = "expired"
    elif state == "revoked":
        invites.invite_revoke(invitation=invitation, actor=partner_admin)
        words = "withdrawn"
    else:
        invites.invite_accept(raw_token=raw, user=member(PartnerFactory(), email="new.colleague@example.com"))
        words = "used already"
    from django.test import Client

    page = Client().get(f"/users/invitation/{raw}/")
    assert page.status_code == 410 and words in page.content.decode()


def test_signed_out_without_an_account_creates_one_with_a_password(client, partner, partner_admin):
    _invitation, raw = _invite(partner, partner_admin)
    page = client.get(f"/users/invitation/{raw}/")
    assert "Create account" in page.content.decode()
    weak = client.post(f"/users/invitation/{raw}/signup/", {"password": "123", "password_again": "123"})
    assert weak.status_code == 400 and not User.objects.filter(email="new.colleague@example.com").exists()
    good = "Plum-Harbour-Lantern-42"
    done = client.post(f"/users/invitation/{raw}/signup/", {"password": good, "password_again": good})
    assert done.status_code == 302
    user = User.objects.get(email="new.colleague@example.com")
    assert user.check_password(good) and user.language == "de"
    assert EmailAddress.objects.get(user=user).verified
    assert Membership.objects.filter(user=user, tenant=partner, role=Role.SALES_AGENT).exists()
    assert client.session["active_tenant_id"] == str(partner.id)


def test_signup_is_not_offered_when_the_account_exists(client, partner, partner_admin):
    member(PartnerFactory(), email="new.colleague@example.com")
    _invitation, raw = _invite(partner, partner_admin)
    assert "Create account" not in client.get(f"/users/invitation/{raw}/").content.decode()
    assert client.get(f"/users/invitation/{raw}/signup/").status_code == 302


def test_an_unknown_token_is_the_shared_not_found(client):
    assert client.get("/users/invitation/" + "A" * 43 + "/").status_code == 404


# --- Pages of the inviter, tenant isolation ------------------------------------------------------


def test_invite_page_lists_resends_and_revokes(partner, partner_admin):
    client = client_for(partner_admin)
    form = client.get("/users/invite/")
    assert form.status_code == 200 and "Full administration of supported companies" in form.content.decode()
    sent = client.post("/users/invite/", {"email": "kim@example.com", "name": "Kim", "roles": [Role.HELPDESK_AGENT],
                                          "language": "en"})
    assert sent.status_code == 302
    twice = client.post("/users/invite/", {"email": "kim@example.com", "name": "Kim", "roles": [Role.HELPDESK_AGENT],
                                           "language": "en"})
    assert twice.status_code == 409 and "pending already" in twice.content.decode()
    invitation = MemberInvitation.objects.get()
    assert client.post("/users/invite/", {"email": "kim@example.com", "name": "Kim", "roles": [Role.HELPDESK_AGENT],
                                          "language": "en", "reissue": invitation.pk}).status_code == 302
    listing = client.get("/users/invitations/").content.decode()
    assert "kim@example.com" in listing and "Resend" in listing and "Revoke" in listing
    assert client.post(f"/users/invitations/{invitation.pk}/resend/").status_code == 302
    assert client.get(f"/users/invitations/{invitation.pk}/revoke/").status_code == 200
    client.post(f"/users/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.status == LinkStatus.REVOKED
    assert "kim@example.com" not in client.get("/users/invitations/").content.decode()


def test_a_role_above_ones_own_is_refused_beside_the_field(partner, monkeypatch):
    """Should Admin agents ever invite, they still cannot make anyone Global admin."""
    from partnercenter.roles import Perm

    agent = member(partner, Role.ADMIN_AGENT)
    assert client_for(agent).get("/users/invite/").status_code == 403
    monkeypatch.setattr(invites, "permissions_of", lambda **kwargs: frozenset({Perm.USERS_INVITE}))
    with pytest.raises(Forbidden) as caught:
        _invite(partner, agent, roles=[Role.GLOBAL_ADMIN, Role.SALES_AGENT])
    assert caught.value.field == "roles" and not MemberInvitation.objects.exists()
    invitation, _raw = _invite(partner, agent, roles=[Role.ADMIN_AGENT])
    assert invitation.roles == [Role.ADMIN_AGENT]


def test_another_tenants_invitation_is_404(partner, partner_admin):
    invitation, _raw = _invite(partner, partner_admin)
    intruder = client_for(member(PartnerFactory(), Role.GLOBAL_ADMIN))
    for url in (f"/users/invitations/{invitation.pk}/resend/", f"/users/invitations/{invitation.pk}/revoke/"):
        for method in ("get", "post"):
            assert getattr(intruder, method)(url).status_code == 404, (method, url)
    invitation.refresh_from_db()
    assert invitation.status == LinkStatus.PENDING and OutboxEmail.objects.count() == 1
    assert "new.colleague" not in intruder.get("/users/invitations/").content.decode()


def test_every_activity_entry_of_an_invitation_reads_without_a_missing_placeholder(partner, partner_admin):
    invitation, raw = _invite(partner, partner_admin)
    invites.invite_resend(invitation=invitation, actor=partner_admin)
    invitation.refresh_from_db()
    MemberInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    links_expire()
    fresh = invites.invite_resend(invitation=invitation, actor=partner_admin)
    invites.invite_accept(raw_token=fresh, user=member(PartnerFactory(), email="new.colleague@example.com"))
    second, _raw = _invite(partner, partner_admin, email="other@example.com")
    invites.invite_revoke(invitation=second, actor=partner_admin)
    entries = ActivityLog.objects.filter(tenant=partner, kind__startswith="member_invitation.")
    assert {e.kind for e in entries} == {k.value for k in vars(MemberInvitationEvents).values()
                                         if isinstance(k, str) and k.startswith("member_invitation.")}
    for entry in entries:
        kind = next(k for k in vars(MemberInvitationEvents).values() if k == entry.kind)
        assert "%(" not in str(kind.description) % entry.data
    page = client_for(partner_admin).get("/activity/")
    assert page.status_code == 200 and "accepted the invitation" in page.content.decode()


def test_signed_out_with_an_account_signs_in_and_comes_back_to_the_link(client, partner, partner_admin):
    user = member(PartnerFactory(), email="new.colleague@example.com")
    _invitation, raw = _invite(partner, partner_admin)
    link = f"/users/invitation/{raw}/"
    page = client.get(link).content.decode()
    assert f"/accounts/login/?next={link}" in page
    signed_in = client.post(f"/accounts/login/?next={link}", {"login": user.email, "password": "partnercenter"})
    assert signed_in.status_code == 302 and signed_in["Location"] == link
    assert f"Join {partner.name}" in client.get(link).content.decode()


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong_beside_the_field(partner, partner_admin):
    client = client_for(partner_admin)
    long_address = "a" * 250 + "@example.com"
    page = client.post("/users/invite/", {"email": long_address, "name": "Kim", "roles": [Role.HELPDESK_AGENT],
                                          "language": "hu"})
    body = page.content.decode()
    assert page.status_code == 400 and 'value="Kim"' in body and "invalid-feedback" in body
    page = client.post("/users/invite/", {"email": partner_admin.email, "name": "Kim", "roles": [Role.HELPDESK_AGENT],
                                          "language": "hu"})
    assert page.status_code == 409 and "is a user of your organisation already" in page.content.decode()
    assert not MemberInvitation.objects.exists() and not OutboxEmail.objects.exists()


def test_the_invitations_list_shows_50_a_page(partner, partner_admin):
    for n in range(51):
        _invite(partner, partner_admin, email=f"p{n}@example.com")
    client = client_for(partner_admin)
    first = client.get("/users/invitations/").content.decode()
    assert "p50@example.com" in first and "p0@example.com" not in first and "Page 1 of 2" in first
    assert "p0@example.com" in client.get("/users/invitations/?page=2").content.decode()


def test_the_demo_has_a_pending_invitation_on_contosos_invitations_page():
    from members.models import MemberInvitation
    from partnercenter.demo import demo_load
    from partnercenter.models import User

    assert demo_load() is True
    invitation = MemberInvitation.objects.get(email="new.colleague@contoso.example")
    assert invitation.status == "pending"
    body = client_for(User.objects.get(email="admin@contoso.example")).get("/users/invitations/").content.decode()
    assert "new.colleague@contoso.example" in body


def test_a_pending_invitation_is_an_invited_row_of_the_users_list_and_follows_the_search():
    from members.models import MemberInvitation
    from partnercenter.demo import demo_load
    from partnercenter.models import User

    assert demo_load() is True
    client = client_for(User.objects.get(email="admin@contoso.example"))
    body = client.get("/users/").content.decode()
    row = body[body.index("new.colleague@contoso.example"):][:1200]
    assert "Invited" in row and "Sales agent" in row
    assert "new.colleague@contoso.example" in client.get("/users/?q=Vogel").content.decode()
    assert "new.colleague@contoso.example" not in client.get("/users/?q=nobody-like-this").content.decode()
    MemberInvitation.objects.filter(email="new.colleague@contoso.example").update(status="revoked")
    assert "new.colleague@contoso.example" not in client.get("/users/").content.decode()


@pytest.mark.parametrize("email, message", [
    ("a" * 243 + "@example.com", "at most 254 characters"),  # 255 characters
    ("not-an-address", "Enter a valid email address."),
    ("ß" * 10 + "a" * 232 + "@example.com", "Enter a valid email address."),  # 254, 264 once casefolded
])
def test_invite_user_page_refuses_a_bad_address_beside_the_field_and_keeps_the_input(partner, partner_admin,
                                                                                    email, message):
    page = client_for(partner_admin).post("/users/invite/", {
        "email": email, "name": "Kim Example", "roles": [Role.HELPDESK_AGENT], "language": "en"})
    html = page.content.decode()
    assert page.status_code == 400
    assert 'id="error_1_id_email"' in html and message in html.split('id="error_1_id_email"')[1][:300]
    assert f'value="{email}"' in html and 'value="Kim Example"' in html
    assert not MemberInvitation.objects.exists() and not OutboxEmail.objects.exists()


def test_the_demo_has_contoso_users_in_every_state():
    from partnercenter.demo import demo_load

    assert demo_load() is True
    body = client_for(User.objects.get(email="admin@contoso.example")).get("/users/").content.decode()
    for email, status in (("new.colleague@contoso.example", "Invited"), ("sales@contoso.example", "Active"),
                          ("former@contoso.example", "Deactivated")):
        row = body[body.index(email):][:1200]
        assert status in row, email
    former = User.objects.get(email="former@contoso.example")
    assert not Membership.objects.filter(user=former, is_active=True).exists()
    assert Membership.objects.filter(user=former, tenant__primary_domain="contoso.example").exists()
