"""Customer users (issue 11 §2, F13): a partner manages a customer's users on its behalf — the list, Add user
with a temporary password shown once, Edit, Block / Unblock sign-in, Reset password, Delete; the roles and the
admin permissions (DAP / GDAP) each needs, the customer's last Global admin, activity and notices."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from customers.models import Service
from customers.services import dap_grant, reseller_relationship_ensure
from customerusers import services
from customerusers.models import CustomerDomain
from partnercenter.errors import Conflict, Forbidden, Invalid, NotFound
from partnercenter.models import ActivityLog, Membership, OutboxEmail, User
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = pytest.mark.django_db

GA, USER = Role.CUSTOMER_GLOBAL_ADMIN, Role.CUSTOMER_USER


@pytest.fixture
def adatum(partner, partner_admin):
    """Contoso's customer Adatum with DAP, a second domain and its Global admin."""
    customer = TenantFactory(name="Adatum AG", primary_domain="adatum.example")
    reseller_relationship_ensure(partner=partner, customer=customer, actor=partner_admin)
    dap_grant(partner=partner, customer=customer, services=list(Service.values), reassign=False, actor=partner_admin)
    CustomerDomain.objects.create(tenant=customer, name="adatum-maschinen.example")
    admin = member(customer, GA, email="admin@adatum.example", language="de")
    return customer, admin


@pytest.fixture
def agent(partner):
    return member(partner, Role.ADMIN_AGENT, email="agent@contoso.example")


def url(customer, tail: str = "") -> str:
    return f"/customers/{customer.id}/users/{tail}"


def add(client: Client, customer, **fields):  # noqa: ANN201
    data = {"first_name": "Anna", "last_name": "Schmidt", "user_name": "anna.schmidt", "domain": "adatum.example",
            "role": USER, **fields}
    return client.post(url(customer, "add/"), data)


def shown_password(response) -> str:  # noqa: ANN001
    return re.search(r'id="temporary-password">([^<]+)<', response.content.decode()).group(1)


def _add(partner, customer, actor, **kwargs):  # noqa: ANN001, ANN202
    data = {"first_name": "Anna", "last_name": "Schmidt", "user_name": "anna", "domain": "adatum.example",
            "role": USER, **kwargs}
    return services.customer_user_add(partner=partner, customer=customer, actor=actor, **data)


# --- Add user ------------------------------------------------------------------------------------


def test_add_user_shows_the_temporary_password_once_and_stores_only_its_hash(partner, adatum, agent):
    customer, _admin = adatum
    client = client_for(agent)
    form = client.get(url(customer, "add/"))
    assert form.status_code == 200 and "@adatum-maschinen.example" in form.content.decode()
    response = add(client, customer, user_name="Anna.Schmidt", domain="adatum-maschinen.example")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = shown_password(response)
    user = User.objects.get(email="anna.schmidt@adatum-maschinen.example")
    assert user.must_change_password and user.check_password(password) and password not in user.password
    assert Membership.objects.get(user=user).tenant == customer
    # Nowhere else: not in the session, the activity entries, the mail, the list.
    assert password not in str(dict(client.session))
    entries = ActivityLog.objects.filter(kind="customer_user.added")
    assert {e.tenant for e in entries} == {partner, customer}
    assert all(password not in str(e.data) for e in entries)
    assert all(password not in m.body + m.subject for m in OutboxEmail.objects.all())
    listing = client.get(url(customer)).content.decode()
    assert "anna.schmidt@adatum-maschinen.example" in listing and password not in listing


def test_a_double_submit_adds_once_and_says_so(adatum, agent):
    customer, _admin = adatum
    client = client_for(agent)
    first = add(client, customer, submit_key="k1")
    again = add(client, customer, submit_key="k1")
    assert first.status_code == 200 and again.status_code == 302
    assert "Reset password" in client.get(again["Location"]).content.decode()
    assert User.objects.filter(email="anna.schmidt@adatum.example").count() == 1


def test_a_user_name_outside_the_customers_domains_is_refused_beside_the_field(adatum, agent):
    customer, _admin = adatum
    response = add(client_for(agent), customer, user_name="anna@fabrikam.example")
    assert response.status_code == 400
    assert response.context["form"].errors["user_name"] == [
        "Use one of the customer's domains: adatum.example, adatum-maschinen.example."]
    assert 'value="anna@fabrikam.example"' in response.content.decode()  # the input is kept
    assert not User.objects.filter(email__startswith="anna").exists()


@pytest.mark.parametrize("existing", ["anna.schmidt@adatum.example", "Anna.Schmidt@adatum.example"])
def test_a_taken_user_name_is_refused_beside_the_field(adatum, agent, existing):
    customer, _admin = adatum
    member(TenantFactory(), GA, email=existing)  # an account elsewhere with the same address
    before = ActivityLog.objects.count()
    response = add(client_for(agent), customer, user_name="ＡＮＮＡ.schmidt")
    assert response.status_code == 409
    assert response.context["form"].errors["user_name"] == ["This user name is taken already. Choose another one."]
    assert ActivityLog.objects.count() == before


@pytest.mark.parametrize(("field", "value"), [("first_name", "x" * 255), ("last_name", "x" * 255),
                                              ("user_name", "x" * 255), ("domain", "x" * 255),
                                              ("first_name", ""), ("role", "global_admin"), ("user_name", "")])
def test_bad_input_is_a_message_and_nothing_is_saved(adatum, agent, field, value):
    customer, _admin = adatum
    users, entries = User.objects.count(), ActivityLog.objects.count()
    response = add(client_for(agent), customer, **{field: value})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert (User.objects.count(), ActivityLog.objects.count()) == (users, entries)


def test_a_new_global_admin_is_announced_to_the_customers_global_admins(adatum, agent):
    customer, admin = adatum
    add(client_for(agent), customer, role=GA)
    mail = OutboxEmail.objects.get(to_email=admin.email)
    assert mail.language == "de" and mail.kind == "customerusers/global_admin_added"


# --- The list ------------------------------------------------------------------------------------


def test_the_list_searches_pages_and_has_an_empty_state(partner, partner_admin, adatum):
    customer, _admin = adatum
    client = client_for(partner_admin)
    for i in range(51):
        member(customer, USER, email=f"u{i:02d}@adatum.example")
    first = client.get(url(customer)).content.decode()
    assert "Page 1 of 2" in first and "Add user" in first and "Must change password" in first
    found = client.get(url(customer), {"q": "u07@"}).content.decode()
    assert "u07@adatum.example" in found and "u08@adatum.example" not in found
    assert "No user matches" in client.get(url(customer), {"q": "nobody"}).content.decode()
    empty = TenantFactory()
    reseller_relationship_ensure(partner=partner, customer=empty, actor=None)
    dap_grant(partner=partner, customer=empty, services=[Service.PRODUCTIVITY], reassign=False, actor=None)
    assert "This customer has no users yet." in client.get(url(empty)).content.decode()


def test_the_customers_row_offers_users_to_those_who_may_see_them(partner, adatum):
    customer, _admin = adatum
    for role, shown in ((Role.HELPDESK_AGENT, True), (Role.ADMIN_AGENT, True), (Role.SALES_AGENT, False),
                        (Role.BILLING_ADMIN, False)):
        body = client_for(member(partner, role)).get(f"/customers/{customer.id}/row/").content.decode()
        assert (f'href="/customers/{customer.id}/users/"' in body) is shown, role


# --- Permissions ---------------------------------------------------------------------------------


def test_a_helpdesk_agent_may_reset_a_password_but_not_add_or_change_users(partner, adatum):
    customer, admin = adatum
    user = member(customer, USER, email="anna@adatum.example")
    client = client_for(member(partner, Role.HELPDESK_AGENT))
    assert client.get(url(customer)).status_code == 200
    page = client.get(url(customer, f"{user.pk}/")).content.decode()
    assert "Reset password" in page and "Block sign-in" not in page and "Delete" not in page
    assert "Add user" not in client.get(url(customer)).content.decode()
    for tail in ("add/", f"{user.pk}/block/", f"{user.pk}/unblock/", f"{user.pk}/delete/"):
        assert client.get(url(customer, tail)).status_code == 403, tail
        assert client.post(url(customer, tail)).status_code == 403, tail
    assert client.post(url(customer, f"{user.pk}/"), {"first_name": "X", "role": GA}).status_code == 403
    response = client.post(url(customer, f"{user.pk}/reset-password/"))
    assert response.status_code == 200 and User.objects.get(pk=user.pk).check_password(shown_password(response))
    # Limited administration does not reset a Global admin's password (seed 001: like a password admin).
    assert "Reset password" not in client.get(url(customer, f"{admin.pk}/")).content.decode()
    refused = client.post(url(customer, f"{admin.pk}/reset-password/"))
    assert refused.status_code == 403 and "needs full administration" in refused.content.decode()


def test_without_admin_permissions_the_partner_gets_the_admin_permissions_needed_page(partner, partner_admin):
    customer = TenantFactory(name="Litware GmbH")
    reseller_relationship_ensure(partner=partner, customer=customer, actor=partner_admin)
    user = member(customer, GA)
    client = client_for(partner_admin)
    for tail in ("", "add/", f"{user.pk}/", f"{user.pk}/reset-password/", f"{user.pk}/delete/"):
        response = client.get(url(customer, tail))
        assert response.status_code == 403, tail
        assert "Admin permissions needed" in response.content.decode() and "Request admin relationship" in \
            response.content.decode()
    assert client.post(url(customer, f"{user.pk}/delete/")).status_code == 403
    assert User.objects.filter(pk=user.pk).exists()


def test_services_check_the_role_and_the_admin_permissions_themselves(partner, adatum):
    customer, admin = adatum
    with pytest.raises(Forbidden):
        _add(partner, customer, member(partner, Role.HELPDESK_AGENT))
    with pytest.raises(Forbidden):
        _add(partner, customer, member(partner, Role.SALES_AGENT))
    other = PartnerFactory()
    with pytest.raises(NotFound):  # not its customer
        _add(other, customer, member(other, Role.GLOBAL_ADMIN))
    stranger = TenantFactory()
    reseller_relationship_ensure(partner=partner, customer=stranger, actor=None)
    with pytest.raises(Forbidden):  # its customer, without DAP or GDAP
        _add(partner, stranger, member(partner, Role.ADMIN_AGENT), domain=stranger.primary_domain)
    with pytest.raises(NotFound):  # a user of another customer
        services.customer_user_password_reset(partner=partner, customer=customer, actor=member(partner),
                                              user_id=member(stranger, GA).pk)


def test_every_route_is_404_for_another_partners_customer_and_another_customers_user(partner, adatum, agent):
    customer, admin = adatum
    foreign = TenantFactory()
    foreign_user = member(foreign, GA)
    user_routes = ["{u}/", "{u}/block/", "{u}/unblock/", "{u}/reset-password/", "{u}/delete/"]
    every_route = ["", "add/", *user_routes]
    cases = [
        (member(PartnerFactory(), Role.GLOBAL_ADMIN), customer, admin, every_route),  # another partner
        (agent, foreign, foreign_user, every_route),  # not Contoso's customer
        (agent, customer, foreign_user, user_routes),  # Contoso's customer, another customer's user
        (admin, customer, admin, every_route),  # the customer itself: these are partner pages
    ]

    def snapshot() -> tuple:
        return (Membership.objects.count(), ActivityLog.objects.count(), OutboxEmail.objects.count(),
                list(User.objects.order_by("pk").values_list("password", "is_active", "first_name")))

    before = snapshot()
    for actor, customer_of_url, target, routes in cases:
        client = client_for(actor)
        for route in routes:
            target_url = url(customer_of_url, route.format(u=target.pk))
            for method in ("get", "post"):
                response = getattr(client, method)(target_url, {"first_name": "X", "role": GA, "user_name": "x",
                                                                "domain": customer_of_url.primary_domain})
                assert response.status_code == 404, (actor.email, method, target_url, response.status_code)
    assert snapshot() == before


# --- Edit, Block, Delete, the last Global admin ----------------------------------------------------


def test_edit_changes_name_and_role_in_place(partner, adatum, agent):
    customer, _admin = adatum
    user = member(customer, USER, email="anna@adatum.example")
    membership = Membership.objects.get(user=user)
    client = client_for(agent)
    response = client.post(url(customer, f"{user.pk}/"), {"first_name": "Anna", "last_name": "Wolf", "role": GA})
    assert response.status_code == 302
    assert Membership.objects.get(user=user).pk == membership.pk  # license assignments hang on this row
    assert Membership.objects.get(user=user).role == GA and User.objects.get(pk=user.pk).last_name == "Wolf"
    entry = ActivityLog.objects.filter(tenant=customer, kind="customer_user.updated").get()
    assert entry.data["role"] == "Global admin" and entry.customer == customer
    too_long = client.post(url(customer, f"{user.pk}/"), {"first_name": "x" * 255, "role": GA})
    assert too_long.status_code == 400 and "first_name" in too_long.context["form"].errors


def test_the_last_global_admin_is_kept(partner, adatum, agent):
    customer, admin = adatum
    client = client_for(agent)
    demoted = client.post(url(customer, f"{admin.pk}/"), {"first_name": "Eva", "role": USER})
    assert demoted.status_code == 409 and "only Global admin" in demoted.context["form"].errors["role"][0]
    for tail in ("block/", "delete/"):
        response = client.post(url(customer, f"{admin.pk}/{tail}"))
        assert response.status_code == 409 and "only Global admin" in response.content.decode(), tail
    assert Membership.objects.get(user=admin).role == GA and User.objects.get(pk=admin.pk).is_active
    second = member(customer, GA)
    assert client.post(url(customer, f"{admin.pk}/block/")).status_code == 302
    # A blocked Global admin does not count: the other one is now the last.
    assert client.post(url(customer, f"{second.pk}/delete/")).status_code == 409


def test_a_blocked_user_cannot_sign_in_and_their_session_ends(partner, adatum, agent, clear_cache):
    customer, _admin = adatum
    user = member(customer, USER, email="anna@adatum.example")
    session = Client()
    assert session.post("/accounts/login/", {"login": user.email, "password": "partnercenter"}).status_code == 302
    assert session.get("/admin-center/").status_code == 200
    client = client_for(agent)
    assert "Block sign-in of anna@adatum.example?" in client.get(url(customer, f"{user.pk}/block/")).content.decode()
    assert client.post(url(customer, f"{user.pk}/block/")).status_code == 302
    assert session.get("/admin-center/").status_code == 302  # signed out at the next request
    refused = Client()
    refused.post("/accounts/login/", {"login": user.email, "password": "partnercenter"})
    assert "_auth_user_id" not in refused.session and refused.get("/admin-center/").status_code == 302
    assert "Blocked" in client.get(url(customer)).content.decode()
    assert client.post(url(customer, f"{user.pk}/unblock/")).status_code == 302
    again = Client()
    again.post("/accounts/login/", {"login": user.email, "password": "partnercenter"})
    assert again.get("/admin-center/").status_code == 200
    kinds = list(ActivityLog.objects.filter(tenant=customer).values_list("kind", flat=True))
    assert "customer_user.blocked" in kinds and "customer_user.unblocked" in kinds


def test_blocking_a_user_of_two_tenants_only_ends_the_access_to_this_customer(partner, adatum, agent):
    customer, _admin = adatum
    user = member(customer, USER, email="anna@adatum.example")
    other = TenantFactory()
    Membership.objects.create(user=user, tenant=other, role=GA)
    client_for(agent).post(url(customer, f"{user.pk}/block/"))
    user.refresh_from_db()
    assert user.is_active and Membership.objects.get(user=user, tenant=customer).is_active is False
    assert Membership.objects.get(user=user, tenant=other).is_active


def test_delete_removes_the_membership_and_the_account_unless_it_belongs_elsewhere(partner, adatum, agent):
    customer, _admin = adatum
    alone = member(customer, USER, email="anna@adatum.example")
    shared = member(customer, USER, email="ben@adatum.example")
    Membership.objects.create(user=shared, tenant=TenantFactory(), role=USER)
    client = client_for(agent)
    assert "Delete anna@adatum.example?" in client.get(url(customer, f"{alone.pk}/delete/")).content.decode()
    for user in (alone, shared):
        assert client.post(url(customer, f"{user.pk}/delete/")).status_code == 302
    assert not User.objects.filter(pk=alone.pk).exists()
    assert User.objects.filter(pk=shared.pk).exists() and not Membership.objects.filter(user=shared,
                                                                                           tenant=customer).exists()
    assert client.get(url(customer, f"{alone.pk}/")).status_code == 404
    entry = ActivityLog.objects.filter(tenant=partner, kind="customer_user.deleted").first()
    assert entry.data["email"] in {"anna@adatum.example", "ben@adatum.example"}


# --- Reset password ------------------------------------------------------------------------------


def test_reset_password_forces_a_change_at_the_next_sign_in_and_ends_sessions(partner, adatum, agent, clear_cache):
    customer, admin = adatum
    user = member(customer, USER, email="anna@adatum.example")
    session = Client()
    session.post("/accounts/login/", {"login": user.email, "password": "partnercenter"})
    assert session.get("/admin-center/").status_code == 200
    response = client_for(agent).post(url(customer, f"{user.pk}/reset-password/"))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = shown_password(response)
    assert session.get("/admin-center/")["Location"].startswith("/accounts/login/")  # the old session ended
    fresh = Client()
    assert fresh.post("/accounts/login/", {"login": user.email, "password": password}).status_code == 302
    assert fresh.get("/admin-center/")["Location"] == "/accounts/password/change/"
    new = "A-new-secret-passw0rd"
    fresh.post("/accounts/password/change/", {"oldpassword": password, "password1": new, "password2": new})
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(new)
    assert fresh.get("/admin-center/").status_code == 200
    # The user and the other Global admins are told, without the password; the entries hold none either.
    mails = {m.to_email: m for m in OutboxEmail.objects.filter(kind__startswith="customerusers/password_reset")}
    assert set(mails) == {user.email, admin.email}
    assert mails[admin.email].language == "de" and "anna@adatum.example" in mails[admin.email].body
    assert all(password not in m.body + m.subject for m in mails.values())
    entries = ActivityLog.objects.filter(kind="customer_user.password_reset")
    assert {e.tenant for e in entries} == {partner, customer} and all(password not in str(e.data) for e in entries)


def test_the_reset_page_is_a_confirmation_and_a_get_changes_nothing(adatum, agent):
    customer, _admin = adatum
    user = member(customer, USER, email="anna@adatum.example")
    before = User.objects.get(pk=user.pk).password
    page = client_for(agent).get(url(customer, f"{user.pk}/reset-password/")).content.decode()
    assert "Reset the password of anna@adatum.example?" in page and 'id="temporary-password"' not in page
    assert User.objects.get(pk=user.pk).password == before


def test_service_errors_are_typed(partner, adatum, agent):
    customer, admin = adatum
    with pytest.raises(Invalid):
        _add(partner, customer, agent, user_name="anna@fabrikam.example")
    with pytest.raises(Conflict):
        services.customer_user_delete(partner=partner, customer=customer, actor=agent, user_id=admin.pk)
    issued = _add(partner, customer, agent)
    assert "temporary_password='…'" in repr(issued) and issued.temporary_password not in repr(issued)
    with pytest.raises(Conflict):
        _add(partner, customer, agent, user_name="ANNA")


def test_the_demo_gives_adatum_users_in_every_state():
    from partnercenter.demo import DEMO_PASSWORD, demo_load

    assert demo_load()
    adatum = CustomerDomain.objects.get(name="adatum-maschinen.example").tenant
    jonas = User.objects.get(email="jonas.becker@adatum-maschinen.example")
    assert not jonas.is_active and not Membership.objects.get(user=jonas).is_active
    assert User.objects.get(email="petra.wolf@adatum.example").must_change_password
    anna = User.objects.get(email="anna.schmidt@adatum.example")
    assert anna.check_password(DEMO_PASSWORD) and Membership.objects.get(user=anna).tenant == adatum
    assert ActivityLog.objects.filter(tenant=adatum, kind="customer_user.blocked").exists()


def test_gdap_roles_through_a_security_group_allow_what_they_cover(partner, partner_admin):
    from gdap import services as gdap_services
    from tests.test_gdap_access import DIRECTORY_READERS, HELPDESK_ADMIN, _active

    customer = TenantFactory(name="Fourth Coffee")  # no DAP: GDAP only
    reseller_relationship_ensure(partner=partner, customer=customer, actor=partner_admin)
    rel = _active(partner, partner_admin, customer, [HELPDESK_ADMIN, DIRECTORY_READERS])
    user = member(customer, USER)
    helpdesk, agent = member(partner, Role.HELPDESK_AGENT), member(partner, Role.ADMIN_AGENT)
    group = gdap_services.group_create(partner=partner, actor=partner_admin, name="Tier 1")
    for person in (helpdesk, agent):
        gdap_services.member_add(group, actor=partner_admin, user=person)
    gdap_services.assignment_create(rel, actor=partner_admin, security_group=group,
                                    roles=[HELPDESK_ADMIN, DIRECTORY_READERS])
    client = client_for(helpdesk)
    assert client.get(url(customer)).status_code == 200  # Directory Readers
    assert client.post(url(customer, f"{user.pk}/reset-password/")).status_code == 200  # Helpdesk Administrator
    # Neither role manages users: the Admin agent's role would, the relationship does not.
    refused = client_for(agent).get(url(customer, "add/"))
    assert refused.status_code == 403 and "User Administrator" in refused.content.decode()
    assert "Add user" not in client_for(agent).get(url(customer)).content.decode()


def test_a_customers_users_pages_belong_to_the_customers_workspace_in_the_sidebar(adatum, agent):
    from tests.test_shell import links

    customer, admin = adatum
    for tail in ("", f"{admin.pk}/"):
        found = links(client_for(agent).get(url(customer, tail)).content.decode())
        assert 'aria-current="true"' in found["Customers"], tail
        assert "aria-current" not in found["Users"], tail  # the partner's own users are another page
