"""Bulk invitations (issue 13 §3): the row rules, the rights, the job (eager: in-process), pacing, idempotent
re-upload and cancel (before and after the job finished)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from customers.models import RelationshipStatus, ResellerRelationship
from invitations import bulkcsv, services
from invitations.errors import NotAllowed
from invitations.models import BulkInvitation, RelationshipRequest, RequestStatus
from invitations.services import bulk
from jobs import services as jobs_services
from jobs.models import ItemStatus, JobItem, JobStatus
from partnercenter.errors import Conflict, Invalid
from partnercenter.models import ActivityLog, OutboxEmail, OutboxStatus
from partnercenter.roles import Role
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = pytest.mark.django_db

BODY = "Hello,\n\nplease accept: [LINK]\n"


def upload(text: str | bytes, name: str = "customers.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text, content_type="text/csv")


def preview(partner, actor, text, *, include_dap=False, **kwargs) -> BulkInvitation:
    return bulk.bulk_preview_create(partner=partner, actor=actor, upload=upload(text, **kwargs),
                                    include_dap=include_dap, subject="Invitation", body=BODY, language="en")


def codes(b: BulkInvitation) -> dict[str, str]:
    return {email: code for _line, email, code in b.rejected}


# --- rows ---------------------------------------------------------------------------------------


def test_every_row_is_checked_and_the_rejected_ones_say_why(partner, partner_admin):
    customer = TenantFactory(name="Adatum AG")
    ResellerRelationship.objects.create(partner=partner, customer=customer, status=RelationshipStatus.ACTIVE)
    member(customer, Role.CUSTOMER_GLOBAL_ADMIN, email="Boss@Adatum.example")
    services.invitation_create(partner=partner, actor=partner_admin, include_dap=False,
                               customer_email="waiting@fabrikam.example")
    b = preview(partner, partner_admin, "\n".join([
        "email,company,language",
        "anna@northwind.example,Northwind,de",
        "not-an-email,Broken",
        "ANNA@northwind.example,Northwind again",
        "boss@adatum.example,Adatum",
        "waiting@fabrikam.example",
        "  =HYPERLINK(\"http://evil\"),x",
        "bela@tailspin.example, @SUM(1) ",
        "zoe@tailspin.example,Tailspin,fr",
        "",
        "eve@woodgrove.example,,hu",
    ]))
    assert [row[1] for row in b.rows] == ["anna@northwind.example", "eve@woodgrove.example"]
    assert b.rows[0] == [2, "anna@northwind.example", "Northwind", "de"]
    assert codes(b) == {
        "not-an-email": "email", "ANNA@northwind.example": "duplicate", "boss@adatum.example": "customer",
        "waiting@fabrikam.example": "pending", '=HYPERLINK("http://evil")': "formula",
        "bela@tailspin.example": "formula", "zoe@tailspin.example": "language",
    }
    assert [line for line, _e, _c in b.rejected] == sorted(line for line, _e, _c in b.rejected)
    assert ActivityLog.objects.filter(kind="request.bulk_uploaded", tenant=partner).count() == 1
    assert not RelationshipRequest.objects.filter(email="anna@northwind.example").exists()  # nothing sent yet


def test_semicolons_and_a_bom_are_read():
    rows = bulkcsv.parse("\ufeffe-mail;Firma;Sprache\nanna@northwind.example;Northwind, Inc.;de\n".encode())
    assert rows == [(2, ["anna@northwind.example", "Northwind, Inc.", "de"])]


@pytest.mark.parametrize(("raw", "message"), [
    ("anna@x.example\n".encode("utf-16"), "not a CSV"),  # NUL bytes
    ("jürgen@x.example,Müller\n".encode("latin-1"), "not UTF-8"),
    (b"\n\n", "no rows"),
    (b'"anna@x.example,unterminated\n', "not a CSV"),
])
def test_bad_files_are_refused(raw, message):
    with pytest.raises(Invalid) as exc:
        bulkcsv.parse(raw)
    assert message in exc.value.message and exc.value.field == "file"


def test_10000_rows_pass_and_10001_are_refused():
    ok = "".join(f"c{i}@x.example\n" for i in range(10_000)).encode()
    assert len(bulkcsv.parse(ok)) == 10_000
    with pytest.raises(Invalid) as exc:
        bulkcsv.parse(ok + b"one-more@x.example\n")
    assert "more than 10,000 rows" in exc.value.message


@override_settings(BULK_INVITATION_MAX_BYTES=100)
def test_a_file_too_large_is_refused_by_its_size_before_it_is_read():
    class Unreadable(SimpleUploadedFile):
        def read(self, *args):  # noqa: ANN002, ANN202
            raise AssertionError("read although too large")

    big = Unreadable("c.csv", b"a@x.example\n" * 20)
    with pytest.raises(Invalid) as exc:
        bulkcsv.read_upload(big)
    assert "larger than" in exc.value.message


def test_a_file_that_is_not_csv_by_name_is_refused(partner, partner_admin):
    with pytest.raises(Invalid) as exc:
        preview(partner, partner_admin, "a@x.example", name="customers.xlsx")
    assert "not a CSV" in exc.value.message


def test_the_draft_must_keep_the_link_placeholder(partner, partner_admin):
    with pytest.raises(Invalid) as exc:
        bulk.bulk_preview_create(partner=partner, actor=partner_admin, upload=upload("a@x.example"),
                                 include_dap=False, subject="Hi", body="no link here", language="en")
    assert exc.value.field == "body"


# --- rights (PRODUCT.md's roles table) ---------------------------------------------------------


def test_who_may_invite_many_customers(partner):
    sales = member(partner, Role.SALES_AGENT)
    preview(partner, sales, "a@x.example")  # without admin permissions: allowed
    with pytest.raises(NotAllowed):
        preview(partner, sales, "a@x.example", include_dap=True)
    for role in (Role.HELPDESK_AGENT, Role.BILLING_ADMIN):
        with pytest.raises(NotAllowed):
            preview(partner, member(partner, role), "a@x.example")


# --- sending (eager jobs) ------------------------------------------------------------------------


@override_settings(BULK_INVITATION_MAILS_PER_MINUTE=2)
def test_send_creates_one_tracked_addressed_request_per_row_paced_through_the_outbox(partner, partner_admin,
                                                                                    django_capture_on_commit_callbacks):
    b = preview(partner, partner_admin, "a@x.example,A,de\nb@x.example\nc@x.example\n")
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.bulk_send(bulk=b, actor=partner_admin)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 3, 3)
    requests = RelationshipRequest.objects.filter(partner=partner).order_by("email")
    assert [(r.email, r.status, r.reusable, r.sent_by_id) for r in requests] == [
        (e, RequestStatus.PENDING, False, partner_admin.pk) for e in ("a@x.example", "b@x.example", "c@x.example")]
    mails = list(OutboxEmail.objects.filter(kind="relationship_request").order_by("send_after"))
    assert [m.to_email for m in mails] == ["a@x.example", "b@x.example", "c@x.example"]
    assert [m.language for m in mails] == ["de", "en", "en"]
    request = RelationshipRequest.objects.get(email="a@x.example")
    assert f"…{request.token_last4}" not in mails[0].body and "[LINK]" not in mails[0].body
    assert mails[0].body.startswith("Hello,\n\nplease accept: http")
    # Two a minute: 30 s apart, from the job's start; the first one is sent at once.
    assert mails[1].send_after - mails[0].send_after == timedelta(seconds=30)
    assert mails[0].status == OutboxStatus.SENT and mails[2].status == OutboxStatus.PENDING
    assert ActivityLog.objects.filter(kind="request.created", tenant=partner).count() == 3
    assert ActivityLog.objects.filter(kind="request.sent", tenant=partner).count() == 3
    assert ActivityLog.objects.filter(kind="request.bulk_sent", tenant=partner).count() == 1
    assert bulk.bulk_send(bulk=b, actor=partner_admin).pk == job.pk  # a second click: the same job


@override_settings(BULK_INVITATION_MAILS_PER_MINUTE=0)
def test_zero_mails_per_minute_is_unpaced_every_mail_is_due_at_once(partner, partner_admin,
                                                                  django_capture_on_commit_callbacks):
    b = preview(partner, partner_admin, "a@x.example\nb@x.example\nc@x.example\n")
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.bulk_send(bulk=b, actor=partner_admin)
    job.refresh_from_db()
    mails = list(OutboxEmail.objects.filter(kind="relationship_request"))
    assert len(mails) == 3 and {m.send_after for m in mails} == {job.created_at}
    assert {m.status for m in mails} == {OutboxStatus.SENT}  # the chunk's delivery task sent all of them


def test_uploading_the_same_file_twice_sends_nothing_twice(partner, partner_admin, django_capture_on_commit_callbacks):
    text = "a@x.example\nb@x.example\n"
    first, second = preview(partner, partner_admin, text), preview(partner, partner_admin, text)
    with django_capture_on_commit_callbacks(execute=True):
        bulk.bulk_send(bulk=first, actor=partner_admin)
        job = bulk.bulk_send(bulk=second, actor=partner_admin)  # its preview was made before the first ran
    job.refresh_from_db()
    assert (job.done, job.skipped) == (0, 2)
    assert set(JobItem.objects.filter(job=job).values_list("reason_code", flat=True)) == {"pending"}
    assert OutboxEmail.objects.filter(kind="relationship_request").count() == 2
    assert codes(preview(partner, partner_admin, text)) == {"a@x.example": "pending", "b@x.example": "pending"}


def test_send_and_the_job_recheck_the_rights_of_the_creator(partner):
    agent = member(partner, Role.ADMIN_AGENT)
    b = preview(partner, agent, "a@x.example\n")
    job = bulk.bulk_send(bulk=b, actor=agent)  # queued (on-commit callbacks not run)
    agent.memberships.update(is_active=False)  # loses the role before the job runs
    assert jobs_services.job_run(job_id=job.pk) == JobStatus.DONE
    assert set(JobItem.objects.filter(job=job).values_list("reason_code", flat=True)) == {"forbidden"}
    assert not RelationshipRequest.objects.exists()
    with pytest.raises(NotAllowed):
        bulk.bulk_send(bulk=b, actor=agent)


@override_settings(BULK_INVITATION_MAILS_PER_MINUTE=1)
def test_cancel_after_the_job_finished_withdraws_the_mails_not_sent_yet(partner, partner_admin,
                                                                        django_capture_on_commit_callbacks):
    b = preview(partner, partner_admin, "a@x.example\nb@x.example\nc@x.example\n")
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.bulk_send(bulk=b, actor=partner_admin)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.may_cancel
    job = jobs_services.job_cancel(job=job, actor=partner_admin)
    assert (job.status, job.done, job.cancelled) == (JobStatus.CANCELLED, 1, 2)
    mails = {m.to_email: m.status for m in OutboxEmail.objects.filter(kind="relationship_request")}
    assert mails == {"a@x.example": OutboxStatus.SENT, "b@x.example": OutboxStatus.FAILED,
                     "c@x.example": OutboxStatus.FAILED}
    statuses = dict(RelationshipRequest.objects.values_list("email", "status"))
    assert statuses == {"a@x.example": "pending", "b@x.example": "revoked", "c@x.example": "revoked"}
    assert set(JobItem.objects.filter(job=job, status=ItemStatus.CANCELLED).values_list("key", flat=True)) == {
        "b@x.example", "c@x.example"}
    assert ActivityLog.objects.filter(kind="request.bulk_withdrawn").count() == 1
    assert ActivityLog.objects.filter(kind="job.cancelled").count() == 1
    # The sweep, later, sends nothing of them.
    OutboxEmail.objects.update(send_after=timezone.now() - timedelta(minutes=1))
    from partnercenter.services import outbox_sweep

    with django_capture_on_commit_callbacks(execute=True):
        outbox_sweep()
    assert OutboxEmail.objects.filter(status=OutboxStatus.SENT).count() == 1


def test_cancel_of_a_done_job_with_every_mail_sent_is_refused(partner, partner_admin,
                                                             django_capture_on_commit_callbacks):
    b = preview(partner, partner_admin, "a@x.example\n")
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.bulk_send(bulk=b, actor=partner_admin)
    with pytest.raises(Conflict):
        jobs_services.job_cancel(job=job, actor=partner_admin)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_cancel_of_a_queued_job_sends_nothing(partner, partner_admin):
    b = preview(partner, partner_admin, "a@x.example\nb@x.example\n")
    job = bulk.bulk_send(bulk=b, actor=partner_admin)  # on-commit callbacks not run: still queued
    job = jobs_services.job_cancel(job=job, actor=partner_admin)
    assert (job.status, job.cancelled) == (JobStatus.CANCELLED, 2)
    assert not OutboxEmail.objects.exists() and not RelationshipRequest.objects.exists()


def test_another_partners_rows_are_not_read(partner, partner_admin):
    other = PartnerFactory(name="Fabrikam")
    services.invitation_create(partner=other, actor=member(other, Role.GLOBAL_ADMIN), include_dap=False,
                               customer_email="a@x.example")
    assert not preview(partner, partner_admin, "a@x.example\n").rejected  # another partner's request is not ours
