"""Invitations of partner users under concurrency on real PostgreSQL (threads released together): a
double-clicked Join, Join racing Revoke, two invitations of one address, two sign-ups from one link.
Each ends in one consistent state and never a 500."""

from __future__ import annotations

import pytest

from invitations.errors import PendingRequestExists
from links.models import LinkStatus
from members.events import MemberInvitationEvents
from members.models import MemberInvitation
from members.services import invites
from partnercenter.models import ActivityLog, Membership, OutboxEmail, User
from partnercenter.roles import Role
from tests.concurrency import outcomes, race, require_postgres
from tests.factories import PartnerFactory, member

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROUNDS = range(3)


@pytest.fixture
def inviter():
    require_postgres()
    partner = PartnerFactory()
    return partner, member(partner, Role.GLOBAL_ADMIN)


def _invite(partner, admin, email):  # noqa: ANN001, ANN202
    return invites.invite_create(tenant=partner, actor=admin, email=email, name="Nora",
                                 roles=[Role.SALES_AGENT, Role.BILLING_ADMIN], language="en")


@pytest.mark.parametrize("round_", ROUNDS)
def test_a_double_clicked_join_grants_the_roles_once(inviter, round_):
    partner, admin = inviter
    invitee = member(PartnerFactory(), email=f"nora{round_}@example.com")
    _invitation, raw = _invite(partner, admin, invitee.email)
    results = race(2, lambda i: invites.invite_accept(raw_token=raw, user=invitee).pk)
    assert outcomes(results) == {"ok": 2}
    assert Membership.objects.filter(user=invitee, tenant=partner).count() == 2
    assert ActivityLog.objects.filter(tenant=partner, kind=MemberInvitationEvents.INVITATION_ACCEPTED).count() == 1
    assert OutboxEmail.objects.filter(kind="member_invitation_accepted").count() == 1


@pytest.mark.parametrize("round_", ROUNDS)
def test_join_racing_revoke_ends_one_way_or_the_other(inviter, round_):
    partner, admin = inviter
    invitee = member(PartnerFactory(), email=f"nora{round_}@example.com")
    invitation, raw = _invite(partner, admin, invitee.email)

    def act(i: int) -> str:
        if i == 0:
            invites.invite_accept(raw_token=raw, user=invitee)
            return "accepted"
        invites.invite_revoke(invitation=invitation, actor=admin)
        return "revoked"

    results = race(2, act)
    counts = outcomes(results)
    invitation.refresh_from_db()
    joined = Membership.objects.filter(user=invitee, tenant=partner).count()
    if invitation.status == LinkStatus.ACCEPTED:
        assert counts == {"ok": 1, "Conflict": 1} and joined == 2
    else:
        assert invitation.status == LinkStatus.REVOKED
        assert counts == {"ok": 1, "NotFound": 1} and joined == 0


@pytest.mark.parametrize("round_", ROUNDS)
def test_two_invitations_of_one_address_at_once_make_one(inviter, round_):
    partner, admin = inviter
    results = race(2, lambda i: _invite(partner, admin, f"Kim{round_}@Example.com")[0].pk)
    assert outcomes(results) == {"ok": 1, PendingRequestExists.__name__: 1}
    assert MemberInvitation.objects.filter(tenant=partner).count() == 1
    assert OutboxEmail.objects.filter(kind="member_invitation").count() == 1


@pytest.mark.parametrize("round_", ROUNDS)
def test_two_signups_from_one_link_create_one_account(inviter, round_):
    partner, admin = inviter
    _invitation, raw = _invite(partner, admin, f"new{round_}@example.com")
    results = race(2, lambda i: invites.invite_signup(raw_token=raw, password="Plum-Harbour-Lantern-42")[0].pk)
    # The second waits for the first: it finds the account (Conflict) or the link used already (NotFound).
    counts = outcomes(results)
    assert counts["ok"] == 1 and counts["Conflict"] + counts["NotFound"] == 1
    user = User.objects.get(email=f"new{round_}@example.com")
    assert Membership.objects.filter(user=user, tenant=partner).count() == 2
