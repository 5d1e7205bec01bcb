"""Bulk invitations, the pages: "Invite many customers" on Relationship requests, upload, the preview with
the rejected rows, Send → the job's progress page, the results CSV; bad files (too large, not CSV, not
UTF-8, 10,001 rows) get a clear message and nothing is created; BOM and `;` are read; roles."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from invitations.models import BulkInvitation, BulkStatus, RelationshipRequest
from invitations.services.bulk import bulk_previews_purge
from invitations.tasks import bulk_previews_purge_task
from jobs.models import Job, JobStatus
from partnercenter.models import ActivityLog, OutboxEmail
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, member

pytestmark = pytest.mark.django_db

URL = "/customers/requests/bulk/"
BODY = "Hello,\n\n[LINK]\n"


def post(client, content: bytes, name: str = "customers.csv", **extra):  # noqa: ANN001, ANN201
    data = {"file": SimpleUploadedFile(name, content, content_type="text/csv"), "subject": "Invitation",
            "body": BODY, **extra}
    return client.post(URL, data)


def test_the_requests_list_links_the_page_and_the_form_has_a_draft_with_the_placeholder(partner, partner_admin):
    client = client_for(partner_admin)
    assert URL in client.get("/customers/requests/").content.decode()
    page = client.get(URL).content.decode()
    assert "Invite many customers" in page and "[LINK]" in page and 'type="file"' in page


def test_upload_preview_send_progress_and_results(partner, partner_admin, django_capture_on_commit_callbacks):
    client = client_for(partner_admin)
    response = post(client, "\ufeffemail;company;language\nanna@northwind.example;Northwind;de\nbad;x\n".encode())
    bulk = BulkInvitation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{URL}{bulk.id}/"
    page = client.get(response["Location"]).content.decode()
    assert "anna@northwind.example" in page and "This is not a valid email address." in page
    assert "Send to 1 customer" in page
    assert not RelationshipRequest.objects.exists()  # nothing before the confirmation
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}{bulk.id}/send/")
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.id}/"
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.done == 1
    detail = client.get(f"/jobs/{job.id}/").content.decode()
    assert "Invite many customers" in detail and 'role="progressbar"' in detail
    assert client.get(f"{URL}{bulk.id}/").status_code == 302  # the preview of a sent file leads to its job
    rows = list(csv.reader(io.StringIO(b"".join(client.get(f"/jobs/{job.id}/results.csv").streaming_content)
                                       .decode("utf-8-sig"))))
    assert rows[0][:4] == ["Key", "Name", "Status", "Reason"] and "Request ID" in rows[0]
    assert rows[1][:3] == ["anna@northwind.example", "Northwind", "Done"]
    assert BulkInvitation.objects.get().status == BulkStatus.SENT
    assert OutboxEmail.objects.filter(to_email="anna@northwind.example").count() == 1


def test_a_formula_company_name_is_rejected_and_the_results_csv_is_guarded(partner, partner_admin):
    client = client_for(partner_admin)
    post(client, b"anna@northwind.example,=cmd|' /C calc'!A0\n")
    bulk = BulkInvitation.objects.get()
    assert bulk.rows == [] and bulk.rejected[0][2] == "formula"
    page = client.get(f"{URL}{bulk.id}/").content.decode()
    assert "No row of this file can be sent." in page


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"\x00\x01\x02binary", "customers.csv", "This is not a CSV file."),
    (b"a@x.example\n", "customers.xlsx", "This is not a CSV file."),
    ("jürgen@x.example;Müller\n".encode("cp1252"), "customers.csv", "The file is not UTF-8 encoded."),
    ("".join(f"c{i}@x.example\n" for i in range(10_001)).encode(), "customers.csv", "more than 10,000 rows"),
    (b"", "customers.csv", "The submitted file is empty."),
])
def test_bad_files_are_refused_with_a_clear_message_and_nothing_is_created(partner, partner_admin, content, name,
                                                                           message):
    response = post(client_for(partner_admin), content, name)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "Invitation" in page  # the typed draft is kept
    assert not BulkInvitation.objects.exists() and not Job.objects.exists()


@override_settings(BULK_INVITATION_MAX_BYTES=1000)
def test_a_file_too_large_is_refused_by_its_content_length(partner, partner_admin):
    response = post(client_for(partner_admin), b"a@x.example\n" * 10_000)
    assert response.status_code == 413
    assert "The file is larger than" in response.content.decode()
    assert not BulkInvitation.objects.exists()


@override_settings(BULK_INVITATION_MAX_BYTES=1000)
def test_a_file_too_large_within_the_envelope_is_refused_by_its_size(partner, partner_admin):
    response = post(client_for(partner_admin), b"a@x.example\n" * 100)  # 1,200 bytes: over, but not by the header
    assert response.status_code == 400 and "The file is larger than" in response.content.decode()


def test_the_roles_of_the_product(partner):
    sales = client_for(member(partner, Role.SALES_AGENT))
    assert sales.get(URL).status_code == 200
    assert 'name="include_dap"' not in sales.get(URL).content.decode()  # without admin permissions only
    refused = post(sales, b"a@x.example\n", include_dap="on")  # a forged box: refused on the server
    assert refused.status_code == 403 and "without admin permissions only" in refused.content.decode()
    assert not BulkInvitation.objects.exists()
    assert post(sales, b"a@x.example\n").status_code == 302
    for role in (Role.HELPDESK_AGENT, Role.BILLING_ADMIN):
        client = client_for(member(partner, role))
        assert client.get(URL).status_code == 403
        assert post(client, b"b@x.example\n").status_code == 403
    assert BulkInvitation.objects.count() == 1


def test_another_partners_bulk_invitation_and_job_are_404(partner, partner_admin, django_capture_on_commit_callbacks):
    post(client_for(partner_admin), b"a@x.example\n")
    bulk = BulkInvitation.objects.get()
    intruder = client_for(member(PartnerFactory(name="Fabrikam"), Role.GLOBAL_ADMIN))
    assert intruder.get(f"{URL}{bulk.id}/").status_code == 404
    assert intruder.post(f"{URL}{bulk.id}/send/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client_for(partner_admin).post(f"{URL}{bulk.id}/send/")
    job = Job.objects.get()
    for url in (f"/jobs/{job.id}/", f"/jobs/{job.id}/cancel/", f"/jobs/{job.id}/results.csv"):
        assert intruder.get(url).status_code == 404
    assert intruder.post(f"/jobs/{job.id}/cancel/").status_code == 404
    assert BulkInvitation.objects.get().status == BulkStatus.SENT and RelationshipRequest.objects.count() == 1


@override_settings(BULK_INVITATION_MAILS_PER_MINUTE=1)
def test_cancel_on_the_progress_page_withdraws_the_unsent_mails(partner, partner_admin,
                                                               django_capture_on_commit_callbacks):
    client = client_for(partner_admin)
    post(client, b"a@x.example\nb@x.example\n")
    bulk = BulkInvitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{URL}{bulk.id}/send/")
    job = Job.objects.get()
    assert f"/jobs/{job.id}/cancel/" in client.get(f"/jobs/{job.id}/").content.decode()  # done, mails waiting
    assert client.get(f"/jobs/{job.id}/cancel/").status_code == 200
    response = client.post(f"/jobs/{job.id}/cancel/", follow=True)
    assert "The job was cancelled." in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.done, job.cancelled) == (JobStatus.CANCELLED, 1, 1)
    assert dict(RelationshipRequest.objects.values_list("email", "status")) == {
        "a@x.example": "pending", "b@x.example": "revoked"}


def test_previews_never_sent_are_deleted_after_the_keep_days_and_logged(partner, partner_admin, settings,
                                                                        django_capture_on_commit_callbacks):
    settings.BULK_PREVIEW_KEEP_DAYS = 7
    client = client_for(partner_admin)
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=8), tick=False):
        post(client, b"old@northwind.example\n")
        post(client, b"sent@northwind.example\n")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"{URL}{BulkInvitation.objects.get(rows__0__1='sent@northwind.example').id}/send/")
    post(client, b"new@northwind.example\n")
    other = PartnerFactory()
    with time_machine.travel(start - timedelta(days=9), tick=False):
        post(client_for(member(other, Role.GLOBAL_ADMIN)), b"theirs@northwind.example\n")

    assert bulk_previews_purge_task.apply().get() == 2  # the old previews of both partners
    kept = {(b.rows[0][1], b.status) for b in BulkInvitation.objects.all()}
    assert kept == {("sent@northwind.example", BulkStatus.SENT), ("new@northwind.example", BulkStatus.PREVIEW)}
    entries = ActivityLog.objects.filter(kind="request.bulk_previews_purged")
    assert {(e.tenant_id, e.data["count"], e.data["days"]) for e in entries} == {(partner.id, 1, 7), (other.id, 1, 7)}
    assert "were deleted after 7 days" in client.get("/activity/").content.decode()
    assert bulk_previews_purge() == 0  # nothing left to do
