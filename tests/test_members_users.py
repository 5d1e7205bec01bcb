"""Partner users (issue 11 §1): the Users list, a user's page, the role rules, deactivation and
reactivation, their activity entries and mails, and tenant isolation."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from gdap import services as gdap_services
from members import rules
from members.events import MemberEvents
from partnercenter.activity import describe
from partnercenter.models import ActivityLog, Membership, OutboxEmail
from partnercenter.roles import PARTNER_ROLES, Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, member

pytestmark = pytest.mark.django_db

GA, AA, SA, HA, BA = (Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, Role.SALES_AGENT, Role.HELPDESK_AGENT,
                      Role.BILLING_ADMIN)


def roles_of(user, tenant) -> set[str]:  # noqa: ANN001
    return set(Membership.objects.filter(user=user, tenant=tenant).values_list("role", flat=True))


# --- rules ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("actor", "grantable"), [
    ({GA}, {GA, AA, SA, HA, BA}),
    ({AA}, {AA, SA, HA, BA}),
    ({SA}, {SA}),
    ({HA}, {HA}),
    ({BA}, {BA}),
    ({SA, BA}, {SA, BA}),
])
def test_a_role_is_grantable_only_when_the_actors_roles_include_it(actor, grantable):
    assert set(rules.grantable_roles(actor)) == grantable
    for role in PARTNER_ROLES:
        assert rules.role_grantable(actor_roles=actor, role=role) is (role in grantable)


def test_each_refusal_of_a_roles_change_is_typed_and_names_the_field():
    from partnercenter.errors import Code, Conflict, Forbidden, Invalid

    with pytest.raises(Forbidden) as exc:
        rules.check_roles_change(actor_roles={AA}, current={HA}, wanted={HA, GA}, other_active_global_admins=1)
    assert exc.value.field == "roles" and "Global admin" in exc.value.message
    with pytest.raises(Forbidden):  # removing a role above one's own is refused too
        rules.check_roles_change(actor_roles={AA}, current={GA}, wanted={AA}, other_active_global_admins=3)
    with pytest.raises(Conflict) as exc:
        rules.check_roles_change(actor_roles={GA}, current={GA}, wanted={AA}, other_active_global_admins=0)
    assert exc.value.code == Code.BLOCKED and exc.value.field == "roles"
    with pytest.raises(Invalid):
        rules.check_roles_change(actor_roles={GA}, current={HA}, wanted=set(), other_active_global_admins=1)
    with pytest.raises(Invalid):
        rules.check_roles_change(actor_roles={GA}, current={HA}, wanted={"customer_user"},
                                 other_active_global_admins=1)
    rules.check_roles_change(actor_roles={GA}, current={GA}, wanted={AA}, other_active_global_admins=1)
    with pytest.raises(Forbidden):
        rules.check_deactivate(actor_id=1, actor_roles={GA}, target_id=1, target_roles={GA},
                               other_active_global_admins=5)
    with pytest.raises(Forbidden):
        rules.check_deactivate(actor_id=1, actor_roles={AA}, target_id=2, target_roles={GA},
                               other_active_global_admins=5)
    with pytest.raises(Conflict):
        rules.check_deactivate(actor_id=1, actor_roles={GA}, target_id=2, target_roles={GA},
                               other_active_global_admins=0)
    with pytest.raises(Forbidden):
        rules.check_reactivate(actor_roles={AA}, target_roles={GA})


# --- pages ----------------------------------------------------------------------------------------------


def test_the_list_shows_every_member_with_roles_two_factor_and_status(partner, partner_admin):
    agent = member(partner, AA, HA, email="agent@example.com")
    Authenticator.objects.create(user=agent, type=Authenticator.Type.TOTP, data={})
    gone = member(partner, SA, email="gone@example.com")
    Membership.objects.filter(user=gone).update(is_active=False)
    member(PartnerFactory(), GA, email="stranger@example.com")
    html = client_for(partner_admin).get("/users/").content.decode()
    assert "agent@example.com" in html and "gone@example.com" in html and partner_admin.email in html
    assert "stranger@example.com" not in html
    assert "Admin agent, Helpdesk agent" in html and "Deactivated" in html and "On" in html
    found = client_for(partner_admin).get("/users/?q=AGENT@").content.decode()
    assert "agent@example.com" in found and "gone@example.com" not in found


def test_the_list_has_50_a_page(partner, partner_admin):
    for n in range(55):
        member(partner, HA, email=f"u{n:02d}@example.com")
    first = client_for(partner_admin).get("/users/")
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.num_pages == 2
    assert len(client_for(partner_admin).get("/users/?page=2").context["rows"]) == 6


@pytest.mark.parametrize(("role", "view", "manage"), [
    (GA, 200, True), (AA, 200, True), (SA, 403, False), (HA, 403, False), (BA, 403, False),
])
def test_permissions_per_role(partner, role, view, manage):
    actor = member(partner, role)
    target = member(partner, HA)
    client = client_for(actor)
    assert client.get("/users/").status_code == view
    assert client.get(f"/users/{target.pk}/").status_code == view
    assert client.get(f"/users/{target.pk}/deactivate/").status_code == (200 if manage else 403)
    response = client.post(f"/users/{target.pk}/", {"roles": [HA, SA]})
    assert response.status_code == (302 if manage else 403)
    assert roles_of(target, partner) == ({HA, SA} if manage else {HA})


def test_another_tenants_user_is_404_everywhere(partner, partner_admin):
    other = PartnerFactory()
    stranger = member(other, HA)
    client = client_for(partner_admin)
    for url in (f"/users/{stranger.pk}/", f"/users/{stranger.pk}/deactivate/", f"/users/{stranger.pk}/reactivate/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"roles": [GA]}).status_code == 404
    assert roles_of(stranger, other) == {HA} and Membership.objects.get(user=stranger).is_active


def test_the_users_page_shows_seed_mapping_and_security_groups(partner, partner_admin):
    agent = member(partner, AA)
    group = gdap_services.group_create(partner=partner, actor=partner_admin, name="Helpdesk")
    gdap_services.member_add(group, actor=partner_admin, user=agent)
    html = client_for(partner_admin).get(f"/users/{agent.pk}/").content.decode()
    assert "Admin agent (Full administration of supported companies)" in html
    assert "Helpdesk agent (Limited administration of supported companies)" in html
    assert f'href="/gdap/security-groups/{group.pk}/"' in html


# --- changes, activity, mail ----------------------------------------------------------------------------


def test_changing_roles_records_activity_and_mails_the_user_in_their_language(partner, partner_admin):
    target = member(partner, HA, language="de")
    response = client_for(partner_admin).post(f"/users/{target.pk}/", {"roles": [AA, BA]})
    assert response.status_code == 302
    assert roles_of(target, partner) == {AA, BA}
    entry = ActivityLog.objects.get(kind=MemberEvents.ROLES_CHANGED)
    assert entry.tenant == partner and entry.actor == partner_admin
    assert entry.data["added"] == sorted([AA, BA]) and entry.data["removed"] == [HA]
    assert describe(entry) == f"The roles of {target.email} are now: Admin agent, Billing admin."
    mail = OutboxEmail.objects.get(to_email=target.email)
    assert mail.language == "de" and mail.kind == "member_roles_changed"
    # The same roles again: nothing changes, nothing is written.
    client_for(partner_admin).post(f"/users/{target.pk}/", {"roles": [AA, BA]})
    assert ActivityLog.objects.filter(kind=MemberEvents.ROLES_CHANGED).count() == 1


def test_an_admin_agent_cannot_grant_global_admin_and_the_message_is_beside_the_field(partner, partner_admin):
    agent = member(partner, AA)
    target = member(partner, HA)
    response = client_for(agent).post(f"/users/{target.pk}/", {"roles": [HA, GA]})
    assert response.status_code == 403
    assert response.context["form"].errors["roles"] == [
        "You cannot grant or remove the role Global admin: your own roles do not include it."]
    assert 'id="roles-error"' in response.content.decode()
    assert roles_of(target, partner) == {HA} and not OutboxEmail.objects.exists()
    assert not ActivityLog.objects.filter(kind=MemberEvents.ROLES_CHANGED).exists()


def test_the_last_global_admin_cannot_be_demoted_or_deactivated(partner, partner_admin):
    client = client_for(partner_admin)
    response = client.post(f"/users/{partner_admin.pk}/", {"roles": [AA]})
    assert response.status_code == 409
    assert "last active Global admin" in response.context["form"].errors["roles"][0]
    assert roles_of(partner_admin, partner) == {GA}
    second = member(partner, GA)
    Membership.objects.filter(user=second).update(is_active=False)  # a deactivated Global admin does not count
    assert client.post(f"/users/{partner_admin.pk}/", {"roles": [AA]}).status_code == 409
    response = client_for(member(partner, GA)).post(f"/users/{partner_admin.pk}/deactivate/")
    assert response.status_code == 302  # another active Global admin exists now
    assert not Membership.objects.get(user=partner_admin).is_active


def test_nobody_deactivates_themself(partner, partner_admin):
    member(partner, GA)
    response = client_for(partner_admin).post(f"/users/{partner_admin.pk}/deactivate/")
    assert response.status_code == 403 and "cannot deactivate yourself" in response.content.decode()
    assert Membership.objects.get(user=partner_admin).is_active


def test_a_deactivated_users_next_request_is_refused_and_reactivation_gives_access_back(partner, partner_admin):
    target = member(partner, AA, language="hu")
    session = client_for(target)
    assert session.get("/customers/").status_code == 200
    assert client_for(partner_admin).post(f"/users/{target.pk}/deactivate/").status_code == 302
    # No active organisation left: the next request ends the session (tests below).
    assert session.get("/customers/")["Location"] == "/accounts/login/"
    assert session.get("/users/")["Location"].startswith("/accounts/login/?next=")
    session = client_for(target)
    assert ActivityLog.objects.filter(kind=MemberEvents.DEACTIVATED, tenant=partner).count() == 1
    assert OutboxEmail.objects.get(to_email=target.email, kind="member_deactivated").language == "hu"
    # Roles of a deactivated user are not changed; reactivating gives the same roles back.
    assert client_for(partner_admin).post(f"/users/{target.pk}/", {"roles": [HA]}).status_code == 409
    assert client_for(partner_admin).post(f"/users/{target.pk}/reactivate/").status_code == 302
    assert roles_of(target, partner) == {AA} and session.get("/customers/").status_code == 200
    assert ActivityLog.objects.filter(kind=MemberEvents.REACTIVATED).count() == 1
    assert OutboxEmail.objects.filter(to_email=target.email, kind="member_reactivated").exists()


@pytest.mark.parametrize("path", ["/", "/customers/", "/users/", "/company-profile/", "/accounts/email/"])
def test_a_member_deactivated_in_their_only_organisation_is_signed_out_at_the_next_request(partner, partner_admin,
                                                                                         path):
    target = member(partner, AA, language="en")
    session = client_for(target)
    assert session.get("/customers/").status_code == 200
    client_for(partner_admin).post(f"/users/{target.pk}/deactivate/")
    response = session.get(path)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in session.session  # the session ended, not a 403/404 per page
    page = session.get("/accounts/login/")
    assert page.status_code == 200 and not page.context["user"].is_authenticated
    assert f"Your access to {partner.name} was deactivated, so you were signed out." in page.content.decode()
    # Signing in again ends the same way (no loop of refusals): the first page signs them out.
    again = client_for(target)
    assert again.get("/")["Location"] == "/accounts/login/" and "_auth_user_id" not in again.session


def test_a_deactivated_member_is_signed_out_of_htmx_requests_by_a_redirect_header(partner, partner_admin):
    target = member(partner, AA)
    session = client_for(target)
    client_for(partner_admin).post(f"/users/{target.pk}/deactivate/")
    response = session.get("/customers/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == "/accounts/login/" and "_auth_user_id" not in session.session


def test_operators_and_users_never_in_an_organisation_stay_signed_in(partner):
    from partnercenter.models import User

    operator = User.objects.create_superuser(email="op@example.com", password="x-long-password-1")
    loner = User.objects.create_user(email="loner@example.com", password="x-long-password-1")
    for user in (operator, loner):
        session = client_for(user)
        session.get("/")
        assert "_auth_user_id" in session.session, user.email


def test_a_deactivated_member_of_two_tenants_is_switched_to_the_other(partner, partner_admin):
    other = PartnerFactory(name="Zeta other")
    target = member(partner, HA)
    Membership.objects.create(user=target, tenant=other, role=GA)
    session = client_for(target)
    session.post("/switch-tenant/", {"tenant": str(partner.id)})
    client_for(partner_admin).post(f"/users/{target.pk}/deactivate/")
    response = session.get("/company-profile/")
    assert response.status_code == 200 and response.context["request"].tenant == other


def test_an_admin_agent_cannot_deactivate_a_global_admin(partner, partner_admin):
    agent = member(partner, AA)
    member(partner, GA)
    response = client_for(agent).post(f"/users/{partner_admin.pk}/deactivate/")
    assert response.status_code == 403
    assert Membership.objects.get(user=partner_admin).is_active


def test_bad_role_input_is_refused_beside_the_field_and_nothing_changes(partner, partner_admin):
    target = member(partner, HA)
    client = client_for(partner_admin)
    response = client.post(f"/users/{target.pk}/", {"roles": ["root"]})
    assert response.status_code == 400 and response.context["form"].errors["roles"]
    response = client.post(f"/users/{target.pk}/", {})
    assert response.status_code == 400
    assert response.context["form"].errors["roles"] == [
        "Choose at least one role. To take away all access, deactivate the user."]
    assert roles_of(target, partner) == {HA} and not ActivityLog.objects.filter(kind=MemberEvents.ROLES_CHANGED)


@pytest.mark.parametrize("side", ["group page", "user page"])
def test_joining_or_leaving_a_security_group_mails_the_user_in_their_language(partner, partner_admin, side):
    target = member(partner, HA, language="hu")
    group = gdap_services.group_create(partner=partner, actor=partner_admin, name="Tier 2")
    client = client_for(partner_admin)
    if side == "group page":
        add = client.post(f"/gdap/security-groups/{group.pk}/members/add/", {"user": target.pk})
        remove_url = f"/gdap/security-groups/{group.pk}/members/{target.pk}/remove/"
    else:
        add = client.post(f"/users/{target.pk}/security-groups/add/", {"group": str(group.pk)})
        remove_url = f"/users/{target.pk}/security-groups/{group.pk}/remove/"
    assert add.status_code == 302
    added = OutboxEmail.objects.get(to_email=target.email, kind="security_group_member_added")
    assert added.language == "hu" and "Tier 2" in added.subject and partner.name in added.body
    assert ActivityLog.objects.filter(kind="gdap.member_added", tenant=partner).count() == 1
    # Adding again changes nothing and mails nobody.
    gdap_services.member_add(group, actor=partner_admin, user=target)
    assert OutboxEmail.objects.filter(kind="security_group_member_added").count() == 1
    assert client.post(remove_url).status_code == 302
    removed = OutboxEmail.objects.get(to_email=target.email, kind="security_group_member_removed")
    assert removed.language == "hu" and "Tier 2" in removed.subject
    assert not OutboxEmail.objects.exclude(to_email=target.email).exists()  # nobody else is mailed



def test_a_member_deactivated_in_their_only_organisation_cannot_sign_in_and_is_told_why(partner, partner_admin):
    target = member(partner, AA, language="en")
    client_for(partner_admin).post(f"/users/{target.pk}/deactivate/")
    visitor = Client()
    response = visitor.post("/accounts/login/", {"login": target.email, "password": "partnercenter"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in visitor.session
    page = visitor.get("/accounts/login/").content.decode()
    assert f"Your access to {partner.name} was deactivated. A Global admin of the organisation can reactivate you." in page
    target.refresh_from_db()
    assert target.last_login is None  # never signed in, not even for a moment
    # Reactivated, the same sign-in works.
    client_for(partner_admin).post(f"/users/{target.pk}/reactivate/")
    assert visitor.post("/accounts/login/", {"login": target.email, "password": "partnercenter"}).status_code == 302
    assert visitor.get("/customers/").status_code == 200
