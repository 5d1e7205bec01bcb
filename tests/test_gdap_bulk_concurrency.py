"""Bulk GDAP requests on real PostgreSQL with threads released together: two jobs from the same role
template for the same customers, run at once, create one relationship and one mail set per customer —
the reseller relationship row lock makes the second runner wait and then see the first one's request."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest

from gdap.models import AdminRelationship
from jobs import services as job_services
from jobs.models import JobItem
from partnercenter.models import OutboxEmail
from tests.concurrency import outcomes, race, require_postgres
from tests.gdap_bulk_support import request_job, served, template

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    require_postgres()
    monkeypatch.setattr(job_services, "job_enqueue_on_commit", lambda job_id: None)


@pytest.mark.parametrize("names", ["derived", "distinct"])
def test_two_jobs_from_one_template_at_once_request_each_customer_once(partner, partner_admin, names, monkeypatch):
    if names == "distinct":
        # Without the shared display names the unique index cannot turn the second insert away: the
        # row lock alone must keep the customers single.
        from gdap.services import bulk

        real = bulk.unique_display_names
        monkeypatch.setattr(bulk, "unique_display_names", lambda partner, wanted: {
            key: f"{uuid.uuid4().hex[:6]} {name}" for key, name in real(partner, wanted).items()})
    customers = [served(partner, f"Kunde {i:02d} GmbH") for i in range(30)]
    tpl = template(partner, partner_admin)
    # Overlapping selections in opposite orders: each runner's chunks lock in customer-id order anyway.
    jobs = [request_job(partner, partner_admin, tpl, customers), request_job(partner, partner_admin, tpl,
                                                                             list(reversed(customers)))]
    results = race(2, lambda i: job_services.job_run(job_id=jobs[i].pk))
    assert outcomes(results) == Counter({"ok": 2})
    per_customer = Counter(AdminRelationship.objects.values_list("customer_id", flat=True))
    assert per_customer == dict.fromkeys({c.pk for c in customers}, 1)
    statuses = Counter(JobItem.objects.filter(job__in=jobs).values_list("status", "reason_code"))
    assert statuses == {("done", ""): 30, ("skipped", "exists"): 30}
    mails = Counter(OutboxEmail.objects.filter(kind="gdap_approval_request").values_list("to_email", flat=True))
    assert len(mails) == 30 and set(mails.values()) == {1}
