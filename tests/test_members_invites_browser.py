"""Playwright: Invite user → the invited existing account joins; the main error (signed in as someone
else) says whom to sign in as. 1366×768 and 390×844, axe finding nothing."""

from __future__ import annotations

import re

import pytest

from partnercenter.models import Membership, OutboxEmail
from partnercenter.roles import Role
from tests.browser_support import assert_accessible, no_sideways_scroll, sign_in
from tests.factories import PartnerFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _mailed_link() -> str:
    body = OutboxEmail.objects.get(kind="member_invitation").body
    return re.search(r"https?://\S+(/users/invitation/[A-Za-z0-9_-]+/)", body).group(1)


def _invite(page, email: str) -> str:
    page.goto("/users/invitations/")
    assert_accessible(page, "invitations, empty")
    page.get_by_role("link", name="Invite user").click()
    form = page.locator("form", has=page.get_by_role("button", name="Send invitation"))
    form.get_by_label("Email").fill(email)
    form.get_by_label("Name").fill("Nora Neumann")
    form.get_by_label("Sales agent").check()
    form.get_by_label("Language").select_option("en")
    assert_accessible(page, "invite form")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text(f"The invitation was emailed to {email}.").wait_for()
    assert page.get_by_role("cell", name=email, exact=True).count() == 1
    assert page.get_by_role("button", name=f"Resend the invitation to {email}").is_visible()
    assert_accessible(page, "invitations, one pending")
    assert no_sideways_scroll(page)
    return _mailed_link()


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_invite_an_existing_account_which_joins_and_a_wrong_account_is_told(new_page, viewport):
    partner = PartnerFactory(name="Contoso Cloud GmbH")
    admin = member(partner, Role.GLOBAL_ADMIN, email="admin@contoso.example")
    invitee = member(PartnerFactory(name="Fabrikam Partner"), Role.HELPDESK_AGENT, email="nora@fabrikam.example")
    stranger = member(PartnerFactory(name="Litware"), Role.GLOBAL_ADMIN, email="sam@litware.example")

    page = new_page(viewport=viewport)
    sign_in(page, admin.email)
    link = _invite(page, "nora@fabrikam.example")

    wrong = new_page(viewport=viewport)
    sign_in(wrong, stranger.email)
    wrong.goto(link)
    wrong.get_by_text("This invitation was sent to nora@fabrikam.example.").wait_for()
    assert wrong.get_by_role("button", name="Sign out and sign in as the invited address").is_visible()
    assert wrong.get_by_role("button", name="Join Contoso Cloud GmbH").count() == 0
    assert_accessible(wrong, "invitation, wrong account")
    assert no_sideways_scroll(wrong)

    right = new_page(viewport=viewport)
    sign_in(right, invitee.email)
    right.goto(link)
    assert_accessible(right, "invitation, invited account")
    right.get_by_role("button", name="Join Contoso Cloud GmbH").click()
    right.get_by_text("You joined Contoso Cloud GmbH.").wait_for()
    assert_accessible(right, "joined")
    assert set(Membership.objects.filter(user=invitee, tenant=partner).values_list("role", flat=True)) == {
        Role.SALES_AGENT}

    # The link was single-use: opening it again as the stranger says it was used.
    wrong.goto(link)
    wrong.get_by_text("This invitation has been used already.", exact=False).wait_for()
    assert_accessible(wrong, "invitation, used")
