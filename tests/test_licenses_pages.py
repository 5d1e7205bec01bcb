"""The Licenses pages: on behalf of a customer (purchased / assigned / available, Assign licenses with its
refusals beside the field, Unassign with confirmation, a user's licenses), every route across tenants and
per role, the "Admin permissions needed" page, the Admin center's read-only Licenses, the row action and
the quantity refusal on the subscription page."""

from __future__ import annotations

import re

import pytest

from customers.templatetags.customer_rows import customer_row_details
from licenses.models import LicenseAssignment
from licenses.services import licenses_assign
from partnercenter.models import ActivityLog
from partnercenter.roles import Role, permissions_for
from tests.conftest import client_for
from tests.factories import TenantFactory, member
from tests.licenses_support import world
from tests.test_url_sweep import TENANT_OBJECT

pytestmark = pytest.mark.django_db

LICENSE_ROUTES = {r for r in TENANT_OBJECT if r.startswith(("customers/<uuid:customer_id>/licenses/",
                                                            "admin-center/licenses/"))}


def main(response) -> str:  # noqa: ANN001
    html = response.content.decode()
    return html[html.index('<main id="main"'):html.index("</main>")]


def base(w) -> str:  # noqa: ANN001
    return f"/customers/{w.customer.id}/licenses/"


def sub(w, subscription=None) -> str:  # noqa: ANN001
    return f"{base(w)}{(subscription or w.mail).id}/"


def give(w, *users, subscription=None) -> None:  # noqa: ANN001
    licenses_assign(partner=w.partner, customer=w.customer, actor=w.admin, subscription_id=(subscription or w.mail).id,
                    user_ids=[u.pk for u in users])


def cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", " ", c).split()[0] if re.sub(r"<[^>]+>", " ", c).split() else ""
            for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]


def test_the_licenses_page_shows_purchased_assigned_and_available_per_subscription():
    w = world(seats=2)
    give(w, w.users[0])
    page = main(client_for(w.agent).get(base(w)))
    mail_row = re.search(r"<tr>\s*<td><a href=\"[^\"]+\">Business Mail Basic</a>.*?</tr>", page, re.S).group(0)
    assert cells(mail_row)[2:5] == ["2", "1", "1"]  # purchased, assigned, available
    devices_row = re.search(r"<tr>\s*<td><a href=\"[^\"]+\">Endpoint Security Add-on</a>.*?</tr>", page, re.S).group(0)
    assert "Not assigned to users" in devices_row and "Devices" in devices_row
    assert "Anna Auer" in page and "Business Mail Basic" in page.split("Users and their licenses")[1]


def test_assign_licenses_from_the_form_and_see_assigned_go_up():
    w = world(seats=2)
    client = client_for(w.agent)
    form = client.get(sub(w) + "assign/")
    assert form.status_code == 200 and "Available licenses: 2 of 2." in form.content.decode()
    response = client.post(sub(w) + "assign/", {"users": [w.users[0].pk, w.users[1].pk]}, follow=True)
    body = main(response)
    assert "A license was assigned to Anna Auer, Bela Balogh." in body
    assert re.search(r'data-testid="assigned">2<', body) and re.search(r'data-testid="available">0<', body)
    assert "Assign licenses</a>" not in body  # full: the button is gone
    assert "Every license is assigned." in body


def test_more_users_than_available_is_refused_beside_the_field_and_the_choice_is_kept():
    w = world(seats=2)
    give(w, w.users[0])
    response = client_for(w.agent).post(sub(w) + "assign/", {"users": [w.users[1].pk, w.users[2].pk]})
    assert response.status_code == 409
    body = main(response)
    feedback = re.search(r'<div class="invalid-feedback d-block[^>]*id="users-error"[^>]*>(.*?)</div>', body, re.S)
    assert feedback and "1 of 2 are available and the users you chose need 2" in feedback.group(1)
    for user in w.users[1:]:
        assert re.search(rf'value="{user.pk}" id="user-{user.pk}" checked', body)
    assert LicenseAssignment.objects.filter(subscription=w.mail).count() == 1


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Choose at least one user."),
    ({"users": ["abc"]}, "Choose users from the list."),
    ({"users": ["<script>alert(1)</script>"]}, "Choose users from the list."),
    ({"users": ["-3"]}, "Choose users from the list."),
    ({"users": ["9" * 40]}, "Choose users from the list."),
    ({"users": [str(n) for n in range(1, 203)]}, "Choose at most 200 users at once."),
])
def test_bad_input_is_told_beside_the_field_and_nothing_is_saved(data, message):
    w = world()
    response = client_for(w.agent).post(sub(w) + "assign/", data)
    assert response.status_code == 400
    assert message in main(response) and "<script>alert" not in main(response)
    assert not LicenseAssignment.objects.exists() and not ActivityLog.objects.filter(kind="license.assigned").exists()


def test_a_user_of_another_customer_is_refused_as_not_found():
    w = world()
    stranger = member(TenantFactory(), Role.CUSTOMER_USER)
    response = client_for(w.agent).post(sub(w) + "assign/", {"users": [w.users[0].pk, stranger.pk]})
    assert response.status_code == 404
    assert "One of the chosen users is not a user of this customer." in main(response)
    assert not LicenseAssignment.objects.exists()


def test_a_suspended_subscription_refuses_with_its_message_and_has_no_assign_button():
    from subscriptions.services import subscription_status_change

    w = world()
    give(w, w.users[0])
    subscription_status_change(subscription=w.mail, actor=w.admin, change="suspended", version=w.mail.version)
    client = client_for(w.agent)
    body = main(client.get(sub(w)))
    assert "This subscription is suspended" in body and "Assign licenses</a>" not in body and "Anna Auer" in body
    response = client.post(sub(w) + "assign/", {"users": [w.users[1].pk]})
    assert response.status_code == 409 and "Reactivate it before assigning licenses." in main(response)


def test_unassign_asks_first_then_frees_the_seat():
    w = world()
    give(w, w.users[0])
    client = client_for(w.agent)
    url = f"{sub(w)}users/{w.users[0].pk}/unassign/"
    confirm = main(client.get(url))
    assert "Unassign the license from Anna Auer?" in confirm and 'method="post"' in confirm
    body = main(client.post(url, follow=True))
    assert "The license was unassigned from Anna Auer." in body and re.search(r'data-testid="assigned">0<', body)
    assert client.get(url).status_code == 404  # nothing left to unassign
    assert "holds no license of this subscription any more" in main(client.post(url, follow=True))


def test_a_users_page_lists_the_licenses_they_hold():
    w = world(seats=2)
    give(w, w.users[0])
    body = main(client_for(w.agent).get(f"{base(w)}users/{w.users[0].pk}/"))
    assert "Anna Auer" in body and "Business Mail Basic" in body and "Unassign" in body
    body = main(client_for(w.agent).get(f"{base(w)}users/{w.users[1].pk}/"))
    assert "This user holds no licenses of your subscriptions." in body


def _urls(w, user) -> dict[str, str]:  # noqa: ANN001
    return {
        "customers/<uuid:customer_id>/licenses/": base(w),
        "customers/<uuid:customer_id>/licenses/users/<int:user_id>/": f"{base(w)}users/{user.pk}/",
        "customers/<uuid:customer_id>/licenses/<uuid:subscription_id>/": sub(w),
        "customers/<uuid:customer_id>/licenses/<uuid:subscription_id>/assign/": sub(w) + "assign/",
        "customers/<uuid:customer_id>/licenses/<uuid:subscription_id>/users/<int:user_id>/unassign/":
            f"{sub(w)}users/{user.pk}/unassign/",
        "admin-center/licenses/<uuid:subscription_id>/": f"/admin-center/licenses/{w.mail.id}/",
    }


def test_every_licenses_route_is_404_across_tenants():
    w = world()
    give(w, w.users[0])
    other = world(prefix="o-", partner_name="Other Partner", customer_name="Other Customer")
    urls = _urls(w, w.users[0])
    assert set(urls) == LICENSE_ROUTES
    before = (LicenseAssignment.objects.count(), ActivityLog.objects.count())
    # Another partner (with its own DAP customer), and the owner's customer's admin for the partner pages.
    for intruder in (other.admin, other.customer_admin, w.customer_admin):
        client = client_for(intruder)
        for route, url in urls.items():
            if route.startswith("admin-center/") and intruder is w.customer_admin:
                continue  # its own subscription: checked below
            for method in ("get", "post"):
                response = getattr(client, method)(url, {"users": [other.users[0].pk]})
                assert response.status_code == 404, (intruder.email, method, url, response.status_code)
    # The owner with the other customer's subscription, or a user of the other customer, in its URLs.
    client = client_for(w.agent)
    for url in (f"{base(w)}{other.mail.id}/", f"{base(w)}{other.mail.id}/assign/",
                f"{base(w)}{other.mail.id}/users/{w.users[0].pk}/unassign/",
                f"{base(w)}users/{other.users[0].pk}/", f"{sub(w)}users/{other.users[0].pk}/unassign/",
                f"{base(w)}users/{w.admin.pk}/"):
        for method in ("get", "post"):
            assert getattr(client, method)(url, {"users": [w.users[1].pk]}).status_code == 404, (method, url)
    assert (LicenseAssignment.objects.count(), ActivityLog.objects.count()) == before


@pytest.mark.parametrize("role", [Role.HELPDESK_AGENT, Role.SALES_AGENT, Role.BILLING_ADMIN])
def test_roles_without_licenses_manage_get_403_on_every_page(role):
    w = world()
    give(w, w.users[0])
    client = client_for(member(w.partner, role))
    for route, url in _urls(w, w.users[0]).items():
        if route.startswith("admin-center/"):
            continue
        for method in ("get", "post"):
            assert getattr(client, method)(url, {"users": [w.users[1].pk]}).status_code == 403, (role, method, url)
    assert LicenseAssignment.objects.count() == 1


@pytest.mark.parametrize("role", [Role.GLOBAL_ADMIN, Role.ADMIN_AGENT])
def test_full_administration_roles_open_every_page(role):
    w = world()
    give(w, w.users[0])
    client = client_for(member(w.partner, role))
    for route, url in _urls(w, w.users[0]).items():
        if not route.startswith("admin-center/"):
            assert client.get(url).status_code == 200, (role, url)


def test_without_admin_permissions_for_the_customer_the_page_says_what_is_missing():
    w = world(dap=False)
    for method in ("get", "post"):
        response = getattr(client_for(w.agent), method)(sub(w) + "assign/", {"users": [w.users[0].pk]})
        assert response.status_code == 403
        body = main(response)
        assert "Admin permissions needed" in body and "Assign and unassign the customer&#x27;s licenses" in body
        assert "Request admin relationship" in body and "License Administrator" in body
    assert not LicenseAssignment.objects.exists()


def test_the_admin_center_shows_the_licenses_read_only_to_the_global_admin():
    w = world(seats=2)
    give(w, w.users[0], w.users[1])
    client = client_for(w.customer_admin)
    listing = main(client.get("/admin-center/licenses/"))
    assert "Business Mail Basic" in listing and "Contoso Cloud GmbH" in listing and "Not assigned to users" in listing
    detail = main(client.get(f"/admin-center/licenses/{w.mail.id}/"))
    assert "Anna Auer" in detail and "Bela Balogh" in detail and re.search(r'data-testid="available">0<', detail)
    for body in (listing, detail):
        assert 'method="post"' not in body and "Unassign" not in body and "Assign licenses" not in body
    other = world(prefix="o-", partner_name="Other Partner", customer_name="Other Customer")
    assert client.get(f"/admin-center/licenses/{other.mail.id}/").status_code == 404
    assert client.post("/admin-center/licenses/").status_code == 405
    user_client = client_for(w.users[0])  # a customer's User (not Global admin)
    assert user_client.get("/admin-center/licenses/").status_code == 403
    assert user_client.get(f"/admin-center/licenses/{w.mail.id}/").status_code == 403


def test_the_customers_row_offers_licenses_to_full_administration_only():
    w = world()
    from customers.selectors import customer_for_partner

    row = customer_for_partner(partner=w.partner, customer_id=w.customer.id)
    for role, shown in ((Role.ADMIN_AGENT, True), (Role.GLOBAL_ADMIN, True), (Role.HELPDESK_AGENT, False),
                        (Role.SALES_AGENT, False)):
        html = customer_row_details(row, [], permissions_for([role]))
        assert (f'href="/customers/{w.customer.id}/licenses/">Licenses</a>' in html) is shown, role
    html = customer_row_details(row, [], permissions_for([Role.ADMIN_AGENT]))
    assert html.index(">Subscriptions</a>") < html.index(">Licenses</a>")


def test_lowering_the_quantity_below_the_assigned_seats_is_refused_beside_the_quantity():
    w = world(seats=3)
    give(w, *w.users)
    response = client_for(w.admin).post(f"/customers/{w.customer.id}/subscriptions/{w.mail.id}/",
                                        {"action": "quantity", "quantity": 2, "version": w.mail.version})
    assert response.status_code == 409
    assert "3 licenses are assigned to users. Unassign 1 of them before lowering the quantity to 2." in main(response)
    w.mail.refresh_from_db()
    assert w.mail.quantity == 3
