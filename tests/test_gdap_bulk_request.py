"""gdap.bulk_request through the job engine (run in-process): the rules of gdap.rules per customer as
skip reasons, display names (template – customer, ≤ 50, unique per partner), the approval mail to each
Global admin in their language, the results CSV with the approval link, and idempotency: a second job
from the same template, or the same selection twice, creates and mails nothing twice."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import ResellerRelationship
from gdap.events import GdapEvents
from gdap.models import AdminRelationship, AdminRelationshipRequest, GdapApproval, RelationshipStatus
from gdap.services.bulk import display_name_for
from jobs import services as job_services
from jobs.models import JobItem
from jobs.registry import reason_text
from jobs.selectors import results_header, results_rows
from links.models import LinkStatus
from links.tokens import token_digest
from partnercenter.models import ActivityLog, OutboxEmail
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member
from tests.gdap_bulk_support import GLOBAL_ADMINISTRATOR, request_job, run, served, template

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_process(monkeypatch):
    monkeypatch.setattr(job_services, "job_enqueue_on_commit", lambda job_id: None)


def outcome(job) -> dict[str, tuple[str, str]]:  # noqa: ANN001
    return {label: (status, code) for label, status, code in
            JobItem.objects.filter(job=job).values_list("label", "status", "reason_code")}


def approval_mails() -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(kind="gdap_approval_request").order_by("to_email"))


def test_each_customer_gets_a_locked_request_a_link_and_one_mail_per_global_admin(partner, partner_admin):
    adatum = served(partner, "Adatum AG", admins=2, language="de")
    fabrikam = served(partner, "Fabrikam Kft.", language="hu")
    tpl = template(partner, partner_admin)
    job = run(request_job(partner, partner_admin, tpl, [adatum, fabrikam]))
    assert (job.status, job.done, job.skipped, job.failed) == ("done", 2, 0, 0)
    rel = AdminRelationship.objects.get(customer=adatum)
    assert (rel.status, rel.display_name, rel.template, rel.created_by) == (
        RelationshipStatus.APPROVAL_PENDING, "Helpdesk – Adatum AG", tpl, partner_admin)
    assert rel.duration.days == 90 and {r.name for r in rel.roles.all()} == {"Directory Readers", "Global Reader"}
    assert list(rel.requests.values_list("action", "status")) == [("lockForApproval", "succeeded")]
    approval = GdapApproval.objects.get(relationship=rel)
    assert approval.status == LinkStatus.PENDING and approval.sent_at is not None

    item = JobItem.objects.get(job=job, key=str(adatum.pk))
    link = item.result["link"]
    raw = link.rstrip("/").rsplit("/", 1)[1]
    assert token_digest(raw) == approval.token_digest  # the result's link opens this request
    mails = [m for m in approval_mails() if m.body.count(link)]
    assert len(mails) == 2 and {m.language for m in mails} == {"de"}
    assert item.result["mailed"] == "; ".join(sorted(m.to_email for m in mails))
    assert "Adatum AG" in mails[0].body and mails[0].reply_to == f"support@{partner.primary_domain}"
    assert len(approval_mails()) == 3

    kinds = sorted(ActivityLog.objects.filter(tenant=partner, data__relationship_id=str(rel.pk))
                   .values_list("kind", flat=True))
    assert kinds == sorted([GdapEvents.CREATED, GdapEvents.APPROVAL_REQUESTED, GdapEvents.LINK_CREATED,
                            GdapEvents.LINK_SENT])
    assert list(ActivityLog.objects.filter(tenant=adatum, kind__startswith="gdap.").values_list("kind", flat=True)
                ) == [GdapEvents.APPROVAL_REQUESTED]  # the customer never sees the draft step

    header = results_header(job=job)
    assert header[4:] == ["Approval link", "Display name", "Emailed to", "Relationship ID"]
    rows = {row[0]: row for row in results_rows(job=job)}
    assert rows[str(adatum.pk)][4] == link and rows[str(fabrikam.pk)][5] == "Helpdesk – Fabrikam Kft."


def test_the_rules_skip_with_reasons_and_a_customer_without_global_admin_is_still_requested(partner, partner_admin):
    ok = served(partner, "Good GmbH")
    lonely = served(partner, "Lonely GmbH", admins=0)
    former = served(partner, "Former GmbH")
    ResellerRelationship.objects.filter(customer=former).update(status="removed", removed_at=timezone.now())
    stranger = TenantFactory(name="Stranger AG")  # never a customer of the partner
    other_cloud = served(partner, "China Cloud Ltd", cloud="china")
    usgov = served(partner, "Agency Inc.", cloud="usgov")
    tpl = template(partner, partner_admin)
    customers = [ok, lonely, former, stranger, other_cloud, usgov]
    job = run(request_job(partner, partner_admin, tpl, customers))
    assert outcome(job) == {
        "Good GmbH": ("done", ""), "Lonely GmbH": ("done", "no_admin"), "Former GmbH": ("skipped", "not_reseller"),
        "Stranger AG": ("skipped", "not_reseller"), "China Cloud Ltd": ("skipped", "cloud_mismatch"),
        "Agency Inc.": ("skipped", "us_government"),
    }
    assert set(AdminRelationship.objects.values_list("customer__name", flat=True)) == {"Good GmbH", "Lonely GmbH"}
    assert len(approval_mails()) == 1
    item = JobItem.objects.get(job=job, label="Lonely GmbH")
    assert item.result["mailed"] == "" and item.result["link"]
    assert reason_text(job.kind, item.reason_code, item.reason_params).startswith(
        "Requested, but Lonely GmbH has no Global admin in the portal to email")
    former_item = JobItem.objects.get(job=job, label="Former GmbH")
    assert reason_text(job.kind, former_item.reason_code, former_item.reason_params) == (
        "Former GmbH is not your customer: an admin relationship needs an active reseller relationship.")
    page = client_for(partner_admin).get(reverse("jobs:detail", args=[job.id])).content.decode()
    assert "China Cloud Ltd is in another cloud than your organisation." in page


def test_a_second_job_from_the_same_template_skips_and_sends_nothing_twice(partner, partner_admin):
    customers = [served(partner, f"Kunde {i} GmbH") for i in range(5)]
    tpl = template(partner, partner_admin)
    first = run(request_job(partner, partner_admin, tpl, customers[:3]))
    mails = len(approval_mails())
    second = run(request_job(partner, partner_admin, tpl, customers))  # overlaps the first selection
    assert (first.done, second.done, second.skipped) == (3, 2, 3)
    assert {code for status, code in outcome(second).values() if status == "skipped"} == {"exists"}
    assert AdminRelationship.objects.count() == 5 and len(approval_mails()) == mails + 2
    assert sorted(OutboxEmail.objects.values_list("to_email", flat=True)) == sorted(
        set(OutboxEmail.objects.values_list("to_email", flat=True)))
    # Running a finished job again does nothing at all.
    before = (AdminRelationship.objects.count(), OutboxEmail.objects.count(), ActivityLog.objects.count())
    job_services.job_run(job_id=second.pk)
    assert (AdminRelationship.objects.count(), OutboxEmail.objects.count(), ActivityLog.objects.count()) == before


def test_a_new_request_is_possible_once_the_old_one_ended_or_from_another_template(partner, partner_admin):
    customer = served(partner, "Adatum AG")
    tpl = template(partner, partner_admin)
    run(request_job(partner, partner_admin, tpl, [customer]))
    AdminRelationship.objects.update(status=RelationshipStatus.TERMINATED)
    again = run(request_job(partner, partner_admin, tpl, [customer]))
    other = run(request_job(partner, partner_admin, template(partner, partner_admin, name="Billing"), [customer]))
    assert (again.done, other.done) == (1, 1)
    # The old name stays taken (unique per partner over every status): the new one is numbered.
    assert sorted(AdminRelationship.objects.values_list("display_name", flat=True)) == [
        "Billing – Adatum AG", "Helpdesk – Adatum AG", "Helpdesk – Adatum AG (2)"]


def test_display_names_are_shortened_to_50_and_made_unique(partner, partner_admin):
    long_customer = "Donaudampfschifffahrtsgesellschaftskapitänswitwen Holding GmbH & Co. KG"
    assert display_name_for("Helpdesk", "Adatum AG") == "Helpdesk – Adatum AG"
    name = display_name_for("A very long role template name for helpdesk", long_customer)
    assert len(name) == 50 and name.startswith("A very long role te… – Donaudampf") and name.endswith("…")
    assert len(display_name_for("T", long_customer, " (12)")) == 50
    twins = [served(partner, "Müller GmbH"), served(partner, "müller gmbh"), served(partner, "Müller GmbH")]
    tpl = template(partner, partner_admin)
    run(request_job(partner, partner_admin, tpl, twins))
    names = sorted(AdminRelationship.objects.values_list("display_name", flat=True), key=str.lower)
    assert len({n.lower() for n in names}) == 3 and all(len(n) <= 50 for n in names)
    assert names[0].lower() == "helpdesk – müller gmbh" and names[1].endswith(" (2)") and names[2].endswith(" (3)")


def test_a_template_deleted_or_made_invalid_or_a_creator_without_rights_fails_the_items(partner, partner_admin):
    from gdap import services

    customers = [served(partner, "Adatum AG"), served(partner, "Fabrikam Kft.")]
    tpl = template(partner, partner_admin)
    job = request_job(partner, partner_admin, tpl, customers)
    services.template_delete(template=tpl, actor=partner_admin)
    assert set(outcome(run(job)).values()) == {("failed", "template_gone")}

    tpl = template(partner, partner_admin, name="With GA", roles=(GLOBAL_ADMINISTRATOR,))
    tpl.auto_extend_duration = __import__("datetime").timedelta(days=180)  # the rules refuse this pair
    tpl.save()
    assert set(outcome(run(request_job(partner, partner_admin, tpl, customers))).values()) == {
        ("failed", "template_invalid")}

    agent = member(partner, Role.ADMIN_AGENT)
    tpl = template(partner, partner_admin, name="Fine")
    job = request_job(partner, agent, tpl, customers)
    agent.memberships.update(role=Role.HELPDESK_AGENT)  # demoted after starting it
    assert set(outcome(run(job)).values()) == {("failed", "forbidden")}
    assert AdminRelationship.objects.count() == 0 and not approval_mails()


def test_another_partners_template_id_in_the_params_is_as_deleted(partner, partner_admin):
    other = PartnerFactory()
    foreign = template(other, member(other, Role.GLOBAL_ADMIN), name="Theirs")
    customer = served(partner, "Adatum AG")
    job = job_services.job_create(tenant=partner, actor=partner_admin, kind="gdap.bulk_request",
                                  params={"template": str(foreign.pk)}, items=[(str(customer.pk), customer.name)])
    assert outcome(run(job)) == {"Adatum AG": ("failed", "template_gone")}
    assert not AdminRelationship.objects.exists() and not AdminRelationshipRequest.objects.exists()


def test_a_chunk_that_fails_midway_leaves_nothing_and_is_rerun_item_by_item(partner, partner_admin, monkeypatch):
    from gdap.services import bulk

    customers = [served(partner, f"Kunde {i} GmbH") for i in range(3)]
    tpl = template(partner, partner_admin)
    real = bulk.event_record_many
    calls = []

    def flaky(entries):  # noqa: ANN001, ANN202
        calls.append(len(entries))
        if len(calls) == 1:
            raise RuntimeError("database hiccup after the relationships were written")
        return real(entries)

    monkeypatch.setattr(bulk, "event_record_many", flaky)
    job = run(request_job(partner, partner_admin, tpl, customers))
    assert job.done == 3 and len(calls) == 4  # the chunk, then each item alone
    assert AdminRelationship.objects.count() == 3 and GdapApproval.objects.count() == 3
    assert len(approval_mails()) == 3
