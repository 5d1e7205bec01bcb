"""The Background jobs pages: list, progress page and its polling partial, cancel, results CSV, and 404s
for another tenant's job or a kind whose permission the reader lacks."""

from __future__ import annotations

import pytest

from jobs import services
from jobs.models import Job, JobStatus
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, member
from tests.jobs_support import ECHO, RESTRICTED

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_enqueue(monkeypatch):
    monkeypatch.setattr(services, "job_enqueue_on_commit", lambda job_id: None)


def make(partner, actor, keys, kind=ECHO) -> Job:  # noqa: ANN001
    return services.job_create(tenant=partner, actor=actor, kind=kind.name, items=[(k, f"Name {k}") for k in keys])


def body(response) -> str:  # noqa: ANN001
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_the_list_shows_the_tenants_jobs_newest_first(partner, partner_admin):
    older = make(partner, partner_admin, ["c1", "skip2"])
    services.job_run(job_id=older.id)
    newer = make(partner, partner_admin, ["c1", "c2", "c3"])
    other = PartnerFactory()
    make(other, member(other, Role.GLOBAL_ADMIN), ["x1"])
    response = client_for(partner_admin).get("/jobs/")
    html = body(response)
    assert response.status_code == 200
    assert html.count("Test echo job") == 2
    assert html.index(f"/jobs/{newer.id}/") < html.index(f"/jobs/{older.id}/")
    assert "Finished" in html and "Queued" in html and partner_admin.email in html
    assert 'aria-current="page"' in html and "Background jobs" in html  # the sidebar entry


def test_the_list_pages_by_fifty(partner, partner_admin):
    for i in range(51):
        make(partner, partner_admin, [f"c{i}"])
    client = client_for(partner_admin)
    first = body(client.get("/jobs/"))
    assert first.count("Test echo job") == 50 and "Older" in first
    oldest = Job.objects.order_by("created_at", "id").first()
    before = Job.objects.order_by("created_at", "id")[1]
    second = body(client.get(f"/jobs/?before={before.id}"))
    assert second.count("Test echo job") == 1 and f"/jobs/{oldest.id}/" in second and "Newest" in second
    assert client.get("/jobs/?before=garbage").status_code == 200


def test_the_empty_list_says_what_will_appear(partner_admin):
    assert "No background jobs yet." in body(client_for(partner_admin).get("/jobs/"))


def test_the_progress_page_polls_while_active_and_stops_when_finished(partner, partner_admin):
    job = make(partner, partner_admin, ["c1", "skip2", "fail3", "c4"])
    client = client_for(partner_admin)
    html = body(client.get(f"/jobs/{job.id}/"))
    assert 'role="progressbar"' in html and 'aria-valuenow="0"' in html
    assert f'hx-get="/jobs/{job.id}/progress/"' in html and 'hx-trigger="every 2s"' in html
    assert "Waiting for a worker to start." in html and f"/jobs/{job.id}/cancel/" in html

    services.job_run(job_id=job.id)
    partial = client.get(f"/jobs/{job.id}/progress/", HTTP_HX_REQUEST="true")
    html = body(partial)
    assert partial.status_code == 200 and "<html" not in html
    assert "hx-trigger" not in html and f"/jobs/{job.id}/cancel/" not in html  # finished: no polling, no cancel
    assert 'aria-valuenow="100"' in html and "job-bar-100" in html
    assert 'id="job-done">2<' in html and 'id="job-skipped">1<' in html and 'id="job-failed">1<' in html
    assert "Name skip2 already has one." in html and "Name fail3 refused." in html
    assert "Name c1" not in html  # only the skipped and failed items are listed


def test_the_problem_items_are_paged(partner, partner_admin):
    job = make(partner, partner_admin, [f"skip{i:03d}" for i in range(60)])
    services.job_run(job_id=job.id)
    client = client_for(partner_admin)
    first = body(client.get(f"/jobs/{job.id}/"))
    assert first.count("already has one.") == 50 and "?after=50" in first
    second = body(client.get(f"/jobs/{job.id}/?after=50"))
    assert second.count("already has one.") == 10 and "Name skip059" in second and "Name skip000" not in second
    assert client.get(f"/jobs/{job.id}/?after=x").status_code == 200


def test_cancel_asks_first_then_cancels(partner, partner_admin):
    job = make(partner, partner_admin, ["c1", "c2"])
    client = client_for(partner_admin)
    confirm = body(client.get(f"/jobs/{job.id}/cancel/"))
    assert "Cancel this job?" in confirm and "Cancel job" in confirm and "Keep running" in confirm
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    response = client.post(f"/jobs/{job.id}/cancel/", follow=True)
    assert response.redirect_chain[-1][0] == f"/jobs/{job.id}/"
    assert "The job was cancelled." in body(response)
    assert Job.objects.get(pk=job.pk).status == JobStatus.CANCELLED


def test_cancelling_a_finished_job_says_why(partner, partner_admin):
    job = make(partner, partner_admin, ["c1"])
    services.job_run(job_id=job.id)
    client = client_for(partner_admin)
    assert client.get(f"/jobs/{job.id}/cancel/")["Location"] == f"/jobs/{job.id}/"
    response = client.post(f"/jobs/{job.id}/cancel/", follow=True)
    assert "This job has already ended (Finished)." in body(response)
    assert Job.objects.get(pk=job.pk).status == JobStatus.DONE


def test_the_results_csv_has_every_item_with_reason_and_result_columns(partner, partner_admin):
    job = make(partner, partner_admin, ["c1", "skip2", "=cmd"])
    services.job_run(job_id=job.id)
    response = client_for(partner_admin).get(f"/jobs/{job.id}/results.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f'job-{job.id}-results.csv' in response["Content-Disposition"]
    lines = body(response).lstrip("\ufeff").splitlines()
    assert lines[0] == "Key,Name,Status,Reason,Approval link"
    assert lines[1] == "c1,Name c1,Done,,https://example.test/approve/c1"
    assert lines[2] == "skip2,Name skip2,Skipped,Name skip2 already has one.,"
    assert lines[3].startswith("'=cmd,Name =cmd,Done")  # a formula-looking key is neutralised


def test_another_tenants_job_is_404_everywhere(partner, partner_admin):
    job = make(partner, partner_admin, ["c1"])
    intruder = PartnerFactory()
    client = client_for(member(intruder, Role.GLOBAL_ADMIN))
    for url in (f"/jobs/{job.id}/", f"/jobs/{job.id}/progress/", f"/jobs/{job.id}/cancel/",
                f"/jobs/{job.id}/results.csv"):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    assert str(job.id) not in body(client.get("/jobs/"))


def test_a_job_of_a_kind_the_reader_may_not_use_is_404(partner, partner_admin):
    """Helpdesk agents see background jobs but lack relationship.remove, the restricted kind's permission."""
    hidden = make(partner, partner_admin, ["c1"], kind=RESTRICTED)
    shown = make(partner, partner_admin, ["c1"])
    client = client_for(member(partner, Role.HELPDESK_AGENT))
    html = body(client.get("/jobs/"))
    assert f"/jobs/{shown.id}/" in html and f"/jobs/{hidden.id}/" not in html
    assert client.get(f"/jobs/{hidden.id}/").status_code == 404
    assert client.post(f"/jobs/{hidden.id}/cancel/").status_code == 404
    assert client.get(f"/jobs/{hidden.id}/results.csv").status_code == 404
    assert Job.objects.get(pk=hidden.pk).status == JobStatus.QUEUED
    assert client.get(f"/jobs/{shown.id}/").status_code == 200


def test_the_activity_log_words_the_job_entries(partner, partner_admin):
    job = make(partner, partner_admin, ["c1", "c2"])
    services.job_cancel(job=job, actor=partner_admin)
    html = body(client_for(partner_admin).get("/activity/"))
    assert "Background job \u201cTest echo job\u201d started for 2 items." in html
    assert "Background job \u201cTest echo job\u201d was cancelled." in html
    assert "0 done, 0 skipped, 0 failed, 2 cancelled of 2." in html
