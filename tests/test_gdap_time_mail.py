"""GDAP mails: the 30/7/1-day reminders each once across repeated and late runs, the recipients (partner
Global admins and Admin agents, customer Global admins) each in their own language, and the approval,
rejection, termination (either side) and expiry mails once each, also when the page's task and the
sweep both touch the relationship."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import time_machine

from gdap import services
from gdap.models import RelationshipStatus
from partnercenter.models import OutboxEmail
from partnercenter.roles import Role
from tests.factories import member
from tests.gdap_time_support import DAY, START, active, mails, pending, reminder_keys, sweep_at

pytestmark = pytest.mark.django_db


def test_reminders_at_30_7_and_1_days_each_once_across_repeated_runs(partner, partner_admin, customer,
                                                                      customer_admin):
    rel = active(partner, partner_admin, customer, customer_admin)
    end = rel.end_at
    for moment in (end - 40 * DAY, end - 30 * DAY, end - 30 * DAY, end - 20 * DAY, end - 7 * DAY,
                   end - 7 * DAY + timedelta(hours=1), end - 3 * DAY, end - DAY, end - DAY + timedelta(hours=1),
                   end - timedelta(minutes=1)):
        sweep_at(moment)
    assert reminder_keys(rel) == {"remind30": 2, "remind7": 2, "remind1": 2}
    per_person = Counter(row.to_email for row in mails("gdap_reminder", rel))
    assert per_person == {partner_admin.email: 3, customer_admin.email: 3}


def test_a_run_days_late_sends_only_the_most_urgent_reminder(partner, partner_admin, customer, customer_admin):
    rel = active(partner, partner_admin, customer, customer_admin)
    sweep_at(rel.end_at - 5 * DAY)  # the sweep stood still from day 60 to day 85
    assert reminder_keys(rel) == {"remind7": 2}
    sweep_at(rel.end_at - 4 * DAY)
    assert reminder_keys(rel) == {"remind7": 2}
    sweep_at(rel.end_at - timedelta(hours=20))
    assert reminder_keys(rel) == {"remind7": 2, "remind1": 2}


def test_a_run_after_the_end_sends_the_expiry_mail_and_no_reminder(partner, partner_admin, customer, customer_admin):
    rel = active(partner, partner_admin, customer, customer_admin)
    sweep_at(rel.end_at + 10 * DAY)
    rel.refresh_from_db()
    assert rel.status == RelationshipStatus.EXPIRED
    assert reminder_keys(rel) == {}
    assert len(mails("gdap_expired", rel)) == 2


def test_no_reminders_for_an_auto_extending_relationship(partner, partner_admin, customer, customer_admin):
    rel = active(partner, partner_admin, customer, customer_admin, auto_extend="P180D")
    for days in (30, 7, 1):
        sweep_at(rel.end_at - days * DAY)
    assert mails("gdap_reminder") == []


def test_recipients_each_in_their_own_language(partner, customer):
    de_admin = member(partner, Role.GLOBAL_ADMIN, language="de")
    hu_agent = member(partner, Role.ADMIN_AGENT, language="hu")
    member(partner, Role.HELPDESK_AGENT)  # no mail: neither Global admin nor Admin agent
    member(partner, Role.SALES_AGENT)
    customer_ga = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)  # no language chosen: the site's default
    member(customer, Role.CUSTOMER_USER)
    inactive = member(partner, Role.GLOBAL_ADMIN)
    inactive.is_active = False
    inactive.save()
    rel = active(partner, de_admin, customer, customer_ga)
    sweep_at(rel.end_at - 30 * DAY)

    rows = {row.to_email: row for row in mails("gdap_reminder", rel)}
    assert set(rows) == {de_admin.email, hu_agent.email, customer_ga.email}
    assert {email: row.language for email, row in rows.items()} == {de_admin.email: "de", hu_agent.email: "hu",
                                                                   customer_ga.email: "en"}
    assert {email: row.tenant_id for email, row in rows.items()} == {
        de_admin.email: partner.pk, hu_agent.email: partner.pk, customer_ga.email: customer.pk}
    german, hungarian, english = rows[de_admin.email], rows[hu_agent.email], rows[customer_ga.email]
    # Greeting and end date (30 May 2027) in the recipient's language; the new sentences are translated
    # into the catalogs at merge.
    assert german.body.startswith("Guten Tag,") and "30. Mai 2027" in german.body
    assert hungarian.body.startswith("Üdvözöljük!") and "május" in hungarian.body
    assert english.body.startswith("Hello,") and "May 30, 2027" in english.body
    assert rel.display_name in german.subject and "30" in english.subject
    # The partner is pointed at the customer's account page, the customer at the Admin center.
    assert f"/customers/{customer.pk}/account/" in german.body and "/admin-center/" in english.body


def test_approval_mails_both_sides_once(partner, partner_admin, customer, customer_admin):
    rel = active(partner, partner_admin, customer, customer_admin)
    rows = mails("gdap_approved", rel)
    assert sorted(row.to_email for row in rows) == sorted([partner_admin.email, customer_admin.email])
    request = rel.requests.get(action="approve")
    assert services.approval_process(request_id=str(request.pk)) == "done-already"
    sweep_at(START + DAY)
    assert len(mails("gdap_approved", rel)) == 2
    assert "active until" in rows[0].body


def test_reject_mails_the_partner(partner, partner_admin, customer, customer_admin):
    rel, raw = pending(partner, partner_admin, customer)
    services.reject(raw_token=raw, user=customer_admin, customer=customer)
    assert [row.to_email for row in mails("gdap_rejected", rel)] == [partner_admin.email]
    assert mails("gdap_terminated", rel) == []


def test_partner_terminate_mails_the_customer_once(partner, partner_admin, customer, customer_admin,
                                                   django_capture_on_commit_callbacks):
    rel = active(partner, partner_admin, customer, customer_admin)
    with time_machine.travel(START + DAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.terminate(rel, actor=partner_admin, side="partner")  # the task runs on commit
    rel.refresh_from_db()
    assert rel.status == RelationshipStatus.TERMINATED
    sweep_at(START + 2 * DAY)  # the sweep finds nothing left to complete
    rows = {row.to_email: row for row in mails("gdap_terminated", rel)}
    assert set(rows) == {partner_admin.email, customer_admin.email}
    assert f"{partner.name} terminated" in rows[customer_admin.email].body


def test_customer_terminate_mails_the_partner_once(partner, partner_admin, customer, customer_admin,
                                                   django_capture_on_commit_callbacks):
    agent = member(partner, Role.ADMIN_AGENT)
    rel = active(partner, partner_admin, customer, customer_admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.terminate(rel, actor=customer_admin, side="customer")
    rows = {row.to_email: row for row in mails("gdap_terminated", rel)}
    assert set(rows) == {partner_admin.email, agent.email, customer_admin.email}
    assert f"{customer.name} terminated" in rows[partner_admin.email].body
    request = rel.requests.get(action="terminate")
    assert services.termination_complete(request_id=str(request.pk)) == "done-already"
    assert len(mails("gdap_terminated", rel)) == 3


def test_withdrawing_a_pending_request_tells_the_customer(partner, partner_admin, customer, customer_admin,
                                                          django_capture_on_commit_callbacks):
    rel, _raw = pending(partner, partner_admin, customer)
    with django_capture_on_commit_callbacks(execute=True):
        services.terminate(rel, actor=partner_admin, side="partner")
    rows = {row.to_email: row for row in mails("gdap_terminated", rel)}
    assert set(rows) == {partner_admin.email, customer_admin.email}
    assert f"{partner.name} withdrew its request" in rows[customer_admin.email].body


def test_expiry_mail_once_and_every_gdap_mail_has_a_dedupe_key(partner, partner_admin, customer, customer_admin):
    rel = active(partner, partner_admin, customer, customer_admin)
    for moment in (rel.end_at + timedelta(minutes=1), rel.end_at + timedelta(hours=1)):
        sweep_at(moment)
    assert len(mails("gdap_expired", rel)) == 2
    assert not OutboxEmail.objects.filter(kind__startswith="gdap_", dedupe_key__isnull=True).exists()
