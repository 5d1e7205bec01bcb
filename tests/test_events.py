"""Issue 9, the events core: each app declares its activity kinds in its own events.py (no choices in a
core migration), one event_record() writes the row and runs the kind's subscribers in the same
transaction, activity data keeps ids beside names (the full order id), the actor may be an API client."""

from __future__ import annotations

import importlib
import uuid

import pytest
from django.db import connection, transaction
from django.utils import translation

from partnercenter import events
from partnercenter.activity import describe
from partnercenter.events import EventKind, EventKinds, event_record
from partnercenter.forms import ActivityFilterForm
from partnercenter.models import ActivityKind, ActivityLog, OutboxEmail, Tenant
from partnercenter.services import tenant_mfa_requirement_set
from tests.conftest import client_for
from tests.test_subscriptions import buy, make_ready

pytestmark = pytest.mark.django_db

# The stored values and English labels of every kind before this issue: none may change (no data change,
# the translations keep matching the same msgids).
BEFORE = {
    "tenant.created": "Tenant created", "profile.updated": "Company profile updated",
    "tenant.mfa_policy": "Two-factor authentication policy changed",
    "request.created": "Relationship request created", "request.sent": "Relationship request sent",
    "request.resent": "Relationship request resent", "request.revoked": "Relationship request revoked",
    "request.expired": "Relationship request expired", "request.accepted": "Relationship request accepted",
    "request.declined": "Relationship request declined",
    "request.acceptance_failed": "Relationship request acceptance refused",
    "relationship.created": "Reseller relationship created", "relationship.removed": "Reseller relationship removed",
    "association.created": "Customer associated with an indirect reseller",
    "association.removed": "Customer no longer associated with an indirect reseller",
    "customer.added": "Customer added", "dap.granted": "Delegated admin permissions granted",
    "dap.removed": "Delegated admin permissions removed", "agreement.recorded": "Customer agreement recorded",
    "partnership.requested": "Partnership request created", "partnership.sent": "Partnership request sent",
    "partnership.resent": "Partnership request resent", "partnership.revoked": "Partnership request revoked",
    "partnership.expired": "Partnership request expired", "partnership.accepted": "Partnership accepted",
    "partnership.declined": "Partnership request declined", "partnership.removed": "Partnership removed",
    "order.placed": "Order placed", "subscription.quantity": "Subscription quantity changed",
    "subscription.suspended": "Subscription suspended", "subscription.reactivated": "Subscription reactivated",
    "subscription.cancelled": "Subscription cancelled",
    "subscription.support_contact": "Designated support contact changed",
}

# Kinds added since, by the app that declares them.
ADDED = {
    "job.created": "Background job started", "job.cancelled": "Background job cancelled",
    "job.finished": "Background job finished",
}

OWNERS = {
    "partnercenter": {"tenant.created", "profile.updated", "tenant.mfa_policy"},
    "customers": {"relationship.created", "relationship.removed", "association.created", "association.removed",
                  "customer.added", "dap.granted", "dap.removed"},
    "invitations": {v for v in BEFORE if v.startswith("request.")},
    "resellers": {v for v in BEFORE if v.startswith("partnership.")},
    "subscriptions": {"agreement.recorded", "order.placed"} | {v for v in BEFORE if v.startswith("subscription.")},
    "jobs": {v for v in ADDED if v.startswith("job.")},
}
# Issue 10 (GDAP): new kinds of their own app; the kinds above keep their values and labels.
GDAP_KINDS = {
    "gdap.created", "gdap.updated", "gdap.deleted", "gdap.approval_requested", "gdap.approval_submitted",
    "gdap.approved", "gdap.approval_failed", "gdap.rejected", "gdap.termination_requested", "gdap.terminated",
    "gdap.global_admin_removed", "gdap.expiring", "gdap.expired", "gdap.extended", "gdap.assignment_created",
    "gdap.assignment_updated", "gdap.assignment_deleted", "gdap.link_created", "gdap.link_sent", "gdap.link_resent",
    "gdap.link_revoked", "gdap.link_expired", "gdap.group_created", "gdap.group_updated", "gdap.group_deleted",
    "gdap.member_added", "gdap.member_removed", "gdap.template_created", "gdap.template_updated",
    "gdap.template_deleted",
}
OWNERS["gdap"] = GDAP_KINDS
# Issue 11 (partner users): the members app's kinds (MemberEvents, MemberInvitationEvents).
MEMBER_KINDS = {
    "member.roles_changed", "member.deactivated", "member.reactivated",
    "member_invitation.created", "member_invitation.sent", "member_invitation.resent", "member_invitation.revoked",
    "member_invitation.expired", "member_invitation.accepted",
}
OWNERS["members"] = MEMBER_KINDS
# Issue 11 §2 (a customer's users, on its behalf): the customerusers app's kinds (CustomerUserEvents).
CUSTOMER_USER_KINDS = {
    "customer_user.added", "customer_user.updated", "customer_user.blocked", "customer_user.unblocked",
    "customer_user.password_reset", "customer_user.deleted",
}
OWNERS["customerusers"] = CUSTOMER_USER_KINDS
# Issue 11 §2 (service requests, F13): ServiceRequestEvents.
SERVICE_REQUEST_KINDS = {
    "service_request.created", "service_request.status_changed", "service_request.assigned",
    "service_request.commented", "service_request.attachment_added",
}
OWNERS["servicerequests"] = SERVICE_REQUEST_KINDS
# Issue 11 (licenses): assigned and unassigned, one entry per request.
LICENSE_KINDS = {"license.assigned", "license.unassigned"}
OWNERS["licenses"] = LICENSE_KINDS
# Issue 12 (APIs): the api app's kinds (ApiEvents).
API_KINDS = {"api.app_created", "api.app_secret_rotated", "api.app_revoked", "api.call"}
OWNERS["api"] = API_KINDS
# Issue 12 §4 (webhooks): registrations' changes (WebhookEvents).
WEBHOOK_KINDS = {"webhook.created", "webhook.updated", "webhook.secret_rotated", "webhook.disabled",
                 "webhook.auto_disabled", "webhook.enabled", "webhook.deleted", "webhook.test_sent", "webhook.redelivered"}
OWNERS["webhooks"] = WEBHOOK_KINDS
# Issue 13 §2 (the directory): a listing's states (DirectoryEvents), and a reseller's "Request to partner"
# answered by the provider (PartnershipEvents).
DIRECTORY_KINDS = {"directory.saved", "directory.submitted", "directory.approved", "directory.rejected"}
OWNERS["directory"] = DIRECTORY_KINDS
PARTNERSHIP_ASK_KINDS = {"partnership.asked", "partnership.ask_accepted", "partnership.ask_declined"}
OWNERS["resellers"] = OWNERS["resellers"] | PARTNERSHIP_ASK_KINDS
# Issue 13 §1 (advisor offers, F12): the offer link's lifecycle and acceptances (OfferEvents), and the
# advisor relationship it records (CustomerEvents).
OFFER_KINDS = {"offer.created", "offer.sent", "offer.resent", "offer.deactivated", "offer.expired", "offer.accepted",
               "offer.acceptance_failed"}
OWNERS["offers"] = OFFER_KINDS
OWNERS["customers"] = OWNERS["customers"] | {"relationship.advisor_created"}
# Issue 13 §3 (bulk invitations): an upload, its confirmation, the withdrawal of its unsent mails, and
# the deletion of previews never sent.
BULK_KINDS = {"request.bulk_uploaded", "request.bulk_sent", "request.bulk_withdrawn", "request.bulk_previews_purged"}
OWNERS["invitations"] = OWNERS["invitations"] | BULK_KINDS


@pytest.fixture
def probe_kind():
    """A kind declared by a test 'app' at run time: no migration, no edit of the core app."""

    class ProbeEvents(EventKinds):
        PROBE = EventKind("test.probe", "Probe happened", "Probe of %(thing)s (%(thing_id)s).")

    yield ProbeEvents.PROBE
    events._KINDS.pop("test.probe", None)
    events._SUBSCRIBERS.pop("test.probe", None)


@pytest.fixture
def subscribed():
    """Subscribe for one test and unsubscribe afterwards."""
    added: list[tuple[str, object]] = []

    def add(kind, fn):
        events.subscribe(kind, fn)
        added.append((kind, fn))
        return fn

    yield add
    for kind, fn in added:
        events.unsubscribe(kind, fn)


# --- Each app declares its own kinds -------------------------------------------------------------


def test_every_kind_keeps_its_stored_value_and_label_and_is_declared_by_its_own_app():
    current = {k.value: str(k.label) for k in events.kinds()}
    new = (GDAP_KINDS | MEMBER_KINDS | CUSTOMER_USER_KINDS | SERVICE_REQUEST_KINDS | LICENSE_KINDS | API_KINDS
           | WEBHOOK_KINDS | DIRECTORY_KINDS | PARTNERSHIP_ASK_KINDS | OFFER_KINDS | BULK_KINDS | {"relationship.advisor_created"})
    assert {value: label for value, label in current.items() if value not in new} == BEFORE | ADDED
    assert set(current) == set(BEFORE) | set(ADDED) | new
    for app, values in OWNERS.items():
        module = importlib.import_module(f"{app}.events")
        declared = {
            attr.value for cls in vars(module).values()
            if isinstance(cls, type) and issubclass(cls, EventKinds) and cls is not EventKinds
            for attr in vars(cls).values() if isinstance(attr, EventKind)
        }
        assert declared == values, app


def test_the_kind_column_has_no_choices_so_a_new_kind_needs_no_migration():
    assert not ActivityLog._meta.get_field("kind").choices


def test_the_old_name_resolves_to_the_apps_kind():
    from invitations.events import RequestEvents

    assert ActivityKind.REQUEST_ACCEPTED is RequestEvents.REQUEST_ACCEPTED == "request.accepted"
    with pytest.raises(AttributeError):
        ActivityKind.NO_SUCH_KIND  # noqa: B018


def test_a_kind_declared_at_run_time_is_recorded_labelled_described_and_filterable(partner, partner_admin,
                                                                                    probe_kind):
    event_record(tenant=partner, kind=probe_kind, actor=partner_admin, data={"thing": "X", "thing_id": "42"})
    entry = ActivityLog.objects.get(tenant=partner, kind="test.probe")
    assert entry.get_kind_display() == "Probe happened"
    assert describe(entry) == "Probe of X (42)."
    assert ("test.probe", "Probe happened") in ActivityFilterForm().fields["kind"].choices
    client = client_for(partner_admin)
    page = client.get("/activity/", {"kind": "test.probe"})
    assert [e.kind for e, _t in page.context["entries"]] == ["test.probe"]
    csv_text = b"".join(client.get("/activity/", {"format": "csv", "kind": "test.probe"}).streaming_content).decode()
    assert "Probe happened" in csv_text and "test.probe" in csv_text


def test_an_undeclared_kind_is_refused(partner):
    with pytest.raises(LookupError):
        event_record(tenant=partner, kind="nobody.declared")
    assert not ActivityLog.objects.filter(kind="nobody.declared").exists()


def test_a_kind_cannot_be_declared_twice_with_another_label():
    with pytest.raises(ValueError):
        class Clash(EventKinds):  # noqa: F841
            X = EventKind("request.accepted", "Something else")


@pytest.mark.parametrize("language", ["de", "hu"])
def test_labels_and_the_kind_drop_down_are_translated_with_the_old_msgids(partner, partner_admin, language):
    with translation.override(language):
        label = ActivityFilterForm().fields["kind"].choices
        labels = dict(label)
        assert labels["request.accepted"] == translation.gettext("Relationship request accepted")
        assert labels["request.accepted"] != "Relationship request accepted"
    client = client_for(partner_admin)
    partner_admin.language = language
    partner_admin.save(update_fields=["language"])
    event_record(tenant=partner, kind=ActivityKind.MFA_POLICY, actor=partner_admin, data={"required": True})
    html = client.get("/activity/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    with translation.override(language):
        assert translation.gettext("Two-factor authentication policy changed") in html


# --- One transaction with the subscribers -------------------------------------------------------


def test_subscribers_run_inside_the_events_transaction_and_see_the_row(partner, partner_admin, subscribed):
    seen = []

    def subscriber(entry):
        seen.append((entry.pk, entry.kind, connection.in_atomic_block,
                     ActivityLog.objects.filter(pk=entry.pk).exists()))
        OutboxEmail.objects.create(to_email="hook@example.com", subject="s", body="b", language="en",
                                   kind="test", tenant=partner)

    subscribed(ActivityKind.MFA_POLICY, subscriber)
    entry = event_record(tenant=partner, kind=ActivityKind.MFA_POLICY, actor=partner_admin, data={"required": True})
    assert seen == [(entry.pk, "tenant.mfa_policy", True, True)]
    assert OutboxEmail.objects.filter(to_email="hook@example.com").count() == 1


def test_a_failing_subscriber_rolls_back_the_whole_event_with_the_change_that_caused_it(
    partner, partner_admin, subscribed
):
    written = []

    def writes_then_fails(entry):
        OutboxEmail.objects.create(to_email="hook@example.com", subject="s", body="b", language="en",
                                   kind="test", tenant=partner)
        written.append(entry.pk)
        raise RuntimeError("subscriber down")

    subscribed(ActivityKind.MFA_POLICY, writes_then_fails)
    before = ActivityLog.objects.count()
    with pytest.raises(RuntimeError):
        tenant_mfa_requirement_set(tenant=partner, actor=partner_admin, required=True)
    assert written  # it did run
    assert ActivityLog.objects.count() == before
    assert not OutboxEmail.objects.filter(to_email="hook@example.com").exists()
    assert Tenant.objects.get(pk=partner.pk).mfa_required is False  # the service's own change is gone too


def test_a_subscriber_error_caught_by_the_caller_leaves_the_outer_transaction_usable(
    partner, partner_admin, subscribed
):
    subscribed(ActivityKind.MFA_POLICY, lambda entry: (_ for _ in ()).throw(RuntimeError("down")))
    with transaction.atomic():
        event_record(tenant=partner, kind=ActivityKind.PROFILE_UPDATED, data={"fields": []})
        with pytest.raises(RuntimeError):
            event_record(tenant=partner, kind=ActivityKind.MFA_POLICY, data={"required": True})
        kinds = list(ActivityLog.objects.filter(tenant=partner).values_list("kind", flat=True))
    assert "profile.updated" in kinds and "tenant.mfa_policy" not in kinds


def test_a_subscriber_of_every_kind_is_called(partner, subscribed):
    seen = []
    subscribed(events.ALL, lambda entry: seen.append(entry.kind))
    event_record(tenant=partner, kind=ActivityKind.TENANT_CREATED, data={"name": partner.name})
    assert seen == ["tenant.created"]


# --- Actor -----------------------------------------------------------------------------------------


def test_the_actor_can_be_an_api_client_but_not_both(partner, partner_admin):
    entry = event_record(tenant=partner, kind=ActivityKind.TENANT_CREATED, actor_client="client-7f3a",
                         data={"name": partner.name})
    entry.refresh_from_db()
    assert (entry.actor_id, entry.actor_email, entry.actor_client) == (None, "", "client-7f3a")
    with pytest.raises(ValueError):
        event_record(tenant=partner, kind=ActivityKind.TENANT_CREATED, actor=partner_admin, actor_client="c")


# --- Ids beside names -----------------------------------------------------------------------------


def test_order_activity_keeps_the_full_order_id_and_the_names_with_their_ids(partner, partner_admin, customer):
    make_ready(partner, customer)
    order = buy(partner, customer, partner_admin)
    for tenant in (partner, customer):
        entry = ActivityLog.objects.get(tenant=tenant, kind="order.placed")
        assert entry.data["order_id"] == str(order.id)  # not truncated
        assert entry.data["customer"] == customer.name and entry.data["customer_id"] == str(customer.id)
        assert entry.data["partner_id"] == str(partner.id)
        assert str(order.id)[:8] in describe(entry)


def test_an_order_entry_written_before_this_change_still_reads(partner):
    entry = ActivityLog.objects.create(tenant=partner, kind="order.placed",
                                       data={"order": "1a2b3c4d", "customer": "Adatum AG", "lines": "CRM × 1"})
    assert describe(entry) == "Order 1a2b3c4d placed for Adatum AG: CRM × 1."


def test_relationship_activity_keeps_partner_and_customer_ids(partner, customer):
    make_ready(partner, customer, agreement=False)
    entry = ActivityLog.objects.get(tenant=partner, kind="relationship.created")
    assert entry.data["partner_id"] == str(partner.id) and entry.data["customer_id"] == str(customer.id)
    assert uuid.UUID(entry.data["customer_id"]) == customer.id


def test_an_api_client_actor_is_shown_on_the_page_and_in_the_export(partner, partner_admin):
    event_record(tenant=partner, kind=ActivityKind.TENANT_CREATED, actor_client="client-7f3a",
                 data={"name": partner.name})
    client = client_for(partner_admin)
    assert "<td>client-7f3a</td>" in client.get("/activity/").content.decode()
    csv_text = b"".join(client.get("/activity/", {"format": "csv"}).streaming_content).decode()
    assert ",client-7f3a," in csv_text


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement update is PostgreSQL's")
def test_update_unflushed_is_one_statement_outside_a_transaction_and_its_setting_ends_with_it(partner):
    from django.test.utils import CaptureQueriesContext

    from partnercenter.dispatch import update_unflushed

    mail = OutboxEmail.objects.create(to_email="a@example.com", subject="s", body="b", language="en", kind="test",
                                      tenant=partner)
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        server_default = cursor.fetchone()[0]
    assert server_default != "off", "the test server runs with synchronous_commit off: the check would be void"
    with CaptureQueriesContext(connection) as queries:
        update_unflushed(OutboxEmail.objects.filter(id=mail.id), attempts=3, last_error="x")
    assert len(queries) == 1
    assert OutboxEmail.objects.filter(id=mail.id, attempts=3, last_error="x").exists()
    with connection.cursor() as cursor:  # the setting was the statement's own transaction's
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == server_default
    with transaction.atomic():  # inside a transaction: the update in it, its setting local to it
        update_unflushed(OutboxEmail.objects.filter(id=mail.id), attempts=4)
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "off"
    assert OutboxEmail.objects.get(id=mail.id).attempts == 4
    with CaptureQueriesContext(connection) as queries:
        update_unflushed(OutboxEmail.objects.filter(id__in=[]), attempts=5)  # nothing to match: no statement
    assert len(queries) == 0 and OutboxEmail.objects.get(id=mail.id).attempts == 4
    with pytest.raises(TypeError):
        update_unflushed(OutboxEmail.objects.all()[:1], attempts=6)  # as QuerySet.update: no slices
