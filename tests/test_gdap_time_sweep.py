"""The GDAP expiry sweep with a clock (time-machine): `expiring` at 30 days (29/30/31), `expired` at the
end (± 1 minute), auto-extension by 180 days, the 90-day request expiry in both orders with the link
sweep, a click before the link ran out still counting, and stuck terminations completed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from gdap import services
from gdap.events import GdapEvents
from gdap.models import (
    AUTO_EXTEND_DURATION,
    GLOBAL_ADMINISTRATOR_ID,
    AccessAssignment,
    AdminRelationship,
    AssignmentStatus,
    GdapApproval,
    RelationshipStatus,
    RequestStatus,
)
from gdap.services.time import reminder_due
from links.models import LinkStatus
from links.services import links_expire
from partnercenter.models import ActivityLog
from partnercenter.roles import Role
from tests.factories import member
from tests.gdap_time_support import (
    DAY,
    DIRECTORY_READERS,
    START,
    active,
    kinds_logged,
    mails,
    pending,
    reminder_keys,
    sweep_at,
)

pytestmark = pytest.mark.django_db


def _status(rel: AdminRelationship) -> str:
    rel.refresh_from_db()
    return rel.status


@pytest.mark.parametrize(("days_before", "status"), [(31, "active"), (30, "expiring"), (29, "expiring")])
def test_expiring_from_thirty_days_before_the_end(partner, partner_admin, customer, customer_admin, days_before,
                                                  status):
    rel = active(partner, partner_admin, customer, customer_admin)
    version = rel.version
    sweep_at(rel.end_at - days_before * DAY)
    assert _status(rel) == status
    logged = 1 if status == "expiring" else 0
    assert kinds_logged(partner, GdapEvents.EXPIRING) == logged and kinds_logged(customer, GdapEvents.EXPIRING) == logged
    assert reminder_keys(rel) == ({"remind30": 2} if logged else {})  # the partner's and the customer's admin
    assert (rel.version > version) == bool(logged)  # a transition changes the ETag


def test_one_minute_before_the_end_it_is_expiring_one_minute_after_expired(partner, partner_admin, customer,
                                                                          customer_admin):
    rel = active(partner, partner_admin, customer, customer_admin)
    group = services.group_create(partner=partner, actor=partner_admin, name="Helpdesk", description="")
    services.member_add(group, actor=partner_admin, user=partner_admin)
    assignment = services.assignment_create(rel, actor=partner_admin, security_group=group, roles=[DIRECTORY_READERS])
    AccessAssignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.ACTIVE)

    sweep_at(rel.end_at - timedelta(minutes=1))
    assert _status(rel) == RelationshipStatus.EXPIRING
    assert reminder_keys(rel) == {"remind1": 2}  # the first run, late: only the most urgent reminder

    sweep_at(rel.end_at + timedelta(minutes=1))
    assert _status(rel) == RelationshipStatus.EXPIRED
    assert AccessAssignment.objects.get(pk=assignment.pk).status == AssignmentStatus.DELETED
    assert kinds_logged(partner, GdapEvents.EXPIRED) == 1 and kinds_logged(customer, GdapEvents.EXPIRED) == 1
    assert len(mails("gdap_expired", rel)) == 2


def test_the_end_itself_expires(partner, partner_admin, customer, customer_admin):
    rel = active(partner, partner_admin, customer, customer_admin)
    sweep_at(rel.end_at)  # end_at is the first moment without access (AdminRelationship.live: end_at > now)
    assert _status(rel) == RelationshipStatus.EXPIRED


def test_auto_extend_adds_180_days_at_the_end_with_an_activity_entry_and_no_reminder(partner, partner_admin,
                                                                                    customer, customer_admin):
    rel = active(partner, partner_admin, customer, customer_admin, auto_extend="P180D")
    end = rel.end_at
    for moment in (end - 30 * DAY, end - 7 * DAY, end - timedelta(minutes=1)):
        sweep_at(moment)
        assert _status(rel) == RelationshipStatus.ACTIVE  # an auto-extending relationship is never "expiring"
    sweep_at(end + timedelta(minutes=1))
    sweep_at(end + timedelta(minutes=2))  # again: extended once, not twice
    rel.refresh_from_db()
    assert rel.status == RelationshipStatus.ACTIVE and rel.end_at == end + AUTO_EXTEND_DURATION
    assert kinds_logged(partner, GdapEvents.EXTENDED) == 1 and kinds_logged(customer, GdapEvents.EXTENDED) == 1
    entry = ActivityLog.objects.get(tenant=partner, kind=GdapEvents.EXTENDED)
    assert entry.data["end"] == rel.end_at.date().isoformat()
    assert mails("gdap_reminder", rel) == [] and mails("gdap_expired", rel) == []


def test_a_sweep_that_stood_still_for_half_a_year_extends_into_the_future_once(partner, partner_admin, customer,
                                                                              customer_admin):
    rel = active(partner, partner_admin, customer, customer_admin, auto_extend="P180D")
    end = rel.end_at
    sweep_at(end + 200 * DAY)
    rel.refresh_from_db()
    assert rel.end_at == end + 2 * AUTO_EXTEND_DURATION and rel.status == RelationshipStatus.ACTIVE
    assert kinds_logged(partner, GdapEvents.EXTENDED) == 1


def test_auto_extend_with_global_administrator_expires_instead(partner, partner_admin, customer, customer_admin):
    rel = active(partner, partner_admin, customer, customer_admin)
    rel.roles.add(GLOBAL_ADMINISTRATOR_ID)  # the rules refuse this; a row that has it anyway is not extended
    AdminRelationship.objects.filter(pk=rel.pk).update(auto_extend_duration=AUTO_EXTEND_DURATION)
    sweep_at(rel.end_at + timedelta(minutes=1))
    assert _status(rel) == RelationshipStatus.EXPIRED
    assert kinds_logged(partner, GdapEvents.EXTENDED) == 0


def test_an_extension_re_arms_the_reminders_for_the_new_end(partner, partner_admin, customer, customer_admin):
    rel = active(partner, partner_admin, customer, customer_admin, auto_extend="P180D")
    sweep_at(rel.end_at + timedelta(minutes=1))
    rel.refresh_from_db()
    with time_machine.travel(rel.end_at - 60 * DAY, tick=False):
        rel = services.relationship_update(rel, actor=partner_admin, if_match=rel.etag, auto_extend="PT0S")
    sweep_at(rel.end_at - 30 * DAY)
    assert _status(rel) == RelationshipStatus.EXPIRING
    assert reminder_keys(rel) == {"remind30": 2}
    assert {row.dedupe_key.split(":")[2] for row in mails("gdap_reminder", rel)} == {f"{rel.end_at:%Y%m%d}"}


def test_reminder_due_picks_the_most_urgent():
    end = START + 90 * DAY
    assert reminder_due(end, end - 31 * DAY) is None
    assert reminder_due(end, end - 30 * DAY) == 30
    assert reminder_due(end, end - 7 * DAY - timedelta(seconds=1)) == 30
    assert reminder_due(end, end - 7 * DAY) == 7
    assert reminder_due(end, end - 5 * DAY) == 7
    assert reminder_due(end, end - DAY) == 1
    assert reminder_due(end, end) is None


# --- Approval requests that run out after 90 days ----------------------------------------------------


def test_a_pending_request_expires_after_90_days_with_its_link(partner, partner_admin, customer, customer_admin):
    rel, _raw = pending(partner, partner_admin, customer)
    link = GdapApproval.objects.get(relationship=rel)
    assert link.expires_at == START + 90 * DAY

    sweep_at(link.expires_at - timedelta(minutes=1))
    assert _status(rel) == RelationshipStatus.APPROVAL_PENDING
    sweep_at(link.expires_at + timedelta(minutes=1))
    assert _status(rel) == RelationshipStatus.EXPIRED
    link.refresh_from_db()
    assert link.status == LinkStatus.EXPIRED
    assert kinds_logged(partner, GdapEvents.LINK_EXPIRED) == 1
    assert kinds_logged(customer, GdapEvents.EXPIRED) == 1
    with time_machine.travel(link.expires_at + timedelta(minutes=2), tick=False):
        assert links_expire() == 0  # nothing left for the link sweep
    sweep_at(link.expires_at + timedelta(minutes=3))
    assert kinds_logged(partner, GdapEvents.LINK_EXPIRED) == 1 and kinds_logged(partner, GdapEvents.EXPIRED) == 1
    # The partner learns that the request ran out; the customer never approved anything.
    assert [row.to_email for row in mails("gdap_request_expired", rel)] == [partner_admin.email]
    assert mails("gdap_expired", rel) == []


def test_the_link_sweep_first_then_the_gdap_sweep(partner, partner_admin, customer):
    rel, _raw = pending(partner, partner_admin, customer)
    after = START + 90 * DAY + timedelta(minutes=1)
    with time_machine.travel(after, tick=False):
        assert links_expire() == 1
    assert _status(rel) == RelationshipStatus.APPROVAL_PENDING  # the link sweep leaves relationships alone
    sweep_at(after)
    assert _status(rel) == RelationshipStatus.EXPIRED
    assert kinds_logged(partner, GdapEvents.LINK_EXPIRED) == 1
    assert len(mails("gdap_request_expired", rel)) == 1


def test_a_click_before_the_link_ran_out_still_counts(partner, partner_admin, customer, customer_admin, monkeypatch):
    from gdap.services import approval

    monkeypatch.setattr(approval, "enqueue_on_commit", lambda *args: None)  # the queue is slow today
    rel, raw = pending(partner, partner_admin, customer)
    with time_machine.travel(START + 90 * DAY - timedelta(minutes=1), tick=False):
        request = services.approval_submit(raw_token=raw, user=customer_admin, customer=customer)
    sweep_at(START + 90 * DAY + timedelta(hours=1))
    assert _status(rel) == RelationshipStatus.APPROVAL_PENDING  # the approval in flight decides
    with time_machine.travel(START + 90 * DAY + timedelta(hours=2), tick=False):
        assert services.approval_process(request_id=str(request.pk)) == "succeeded"
    assert _status(rel) == RelationshipStatus.ACTIVE


def test_a_revoked_only_link_is_left_for_the_partner(partner, partner_admin, customer):
    rel, _raw = pending(partner, partner_admin, customer)
    GdapApproval.objects.filter(relationship=rel).update(status=LinkStatus.REVOKED)
    sweep_at(START + 91 * DAY)
    assert _status(rel) == RelationshipStatus.APPROVAL_PENDING


# --- Terminations whose task was lost ---------------------------------------------------------------


@pytest.mark.parametrize("side", ["partner", "customer"])
def test_a_stuck_termination_is_completed_after_five_minutes(partner, partner_admin, customer, customer_admin,
                                                            monkeypatch, side):
    from gdap.services import approval

    monkeypatch.setattr(approval, "enqueue_on_commit", lambda *args: None)  # the broker lost the message
    rel = active(partner, partner_admin, customer, customer_admin)
    moment = START + 10 * DAY
    with time_machine.travel(moment, tick=False):
        request = services.terminate(rel, actor=partner_admin if side == "partner" else customer_admin, side=side)
    sweep_at(moment + timedelta(minutes=4))
    assert _status(rel) == RelationshipStatus.TERMINATION_REQUESTED
    sweep_at(moment + timedelta(minutes=6))
    assert _status(rel) == RelationshipStatus.TERMINATED
    request.refresh_from_db()
    assert request.status == RequestStatus.SUCCEEDED
    sweep_at(moment + timedelta(minutes=7))
    assert kinds_logged(partner, GdapEvents.TERMINATED) == 1
    assert len(mails("gdap_terminated", rel)) == 2


def test_ended_relationships_are_left_alone(partner, partner_admin, customer, customer_admin):
    rel = active(partner, partner_admin, customer, customer_admin)
    sweep_at(rel.end_at + DAY)
    version = AdminRelationship.objects.get(pk=rel.pk).version
    assert sweep_at(rel.end_at + 2 * DAY) == dict.fromkeys(
        ("terminated", "requests_expired", "expired", "extended", "approaching"), 0)
    assert AdminRelationship.objects.get(pk=rel.pk).version == version
    newcomer = member(partner, Role.GLOBAL_ADMIN)  # an admin who joins later gets no old news
    sweep_at(rel.end_at + 3 * DAY)
    assert len(mails("gdap_expired", rel)) == 2
    assert newcomer.email not in {row.to_email for row in mails("gdap_expired", rel)}
