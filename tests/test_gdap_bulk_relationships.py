"""gdap.bulk_terminate and gdap.bulk_remove_global_admin through the job engine (in-process): what the
single services do, per relationship, with skip reasons (not active, no Global Administrator, only
Global Administrator, another partner's id) and idempotency (a second job changes nothing)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gdap import services
from gdap.events import GdapEvents
from gdap.models import (
    GLOBAL_ADMINISTRATOR_ID,
    AccessAssignment,
    AdminRelationship,
    AssignmentStatus,
    GdapApproval,
    RelationshipStatus,
)
from jobs import services as job_services
from jobs.models import JobItem
from links.models import LinkStatus
from partnercenter.models import ActivityLog
from partnercenter.roles import Role
from tests.factories import PartnerFactory, member
from tests.gdap_bulk_support import DIRECTORY_READERS, GLOBAL_ADMINISTRATOR, GLOBAL_READER, served

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_process(monkeypatch):
    monkeypatch.setattr(job_services, "job_enqueue_on_commit", lambda job_id: None)


def relationship(partner, actor, name, roles=(GLOBAL_ADMINISTRATOR, GLOBAL_READER), active=True):  # noqa: ANN001, ANN201
    customer = served(partner, f"{name} AG")
    rel, _raw = services.request_relationship(partner=partner, actor=actor, customer=customer, display_name=name,
                                              roles=list(roles), duration="P90D")
    if active:
        now = timezone.now()
        AdminRelationship.objects.filter(pk=rel.pk).update(status=RelationshipStatus.ACTIVE, activated_at=now,
                                                           end_at=now + timedelta(days=90))
    rel.refresh_from_db()
    return rel


def run(partner, actor, kind, rels, **params):  # noqa: ANN001, ANN003, ANN201
    job = job_services.job_create(tenant=partner, actor=actor, kind=kind, params=params,
                                  items=[(str(r.pk), r.display_name) for r in rels])
    job_services.job_run(job_id=job.pk)
    job.refresh_from_db()
    return job, {label: (status, code) for label, status, code in
                 JobItem.objects.filter(job=job).values_list("label", "status", "reason_code")}


def test_bulk_terminate_ends_pending_and_active_ones_and_skips_the_rest(partner, partner_admin):
    active = relationship(partner, partner_admin, "Active one")
    pending = relationship(partner, partner_admin, "Pending one", active=False)
    ended = relationship(partner, partner_admin, "Ended one")
    AdminRelationship.objects.filter(pk=ended.pk).update(status=RelationshipStatus.EXPIRED)
    group = services.group_create(partner=partner, actor=partner_admin, name="Helpdesk team", description="")
    assignment = services.assignment_create(active, actor=partner_admin, security_group=group, roles=[GLOBAL_READER])
    other = PartnerFactory()
    foreign = relationship(other, member(other, Role.GLOBAL_ADMIN), "Theirs")

    job, outcome = run(partner, partner_admin, "gdap.bulk_terminate", [active, pending, ended, foreign])
    assert outcome == {"Active one": ("done", ""), "Pending one": ("done", ""),
                       "Ended one": ("skipped", "not_terminable"), "Theirs": ("skipped", "unknown")}
    for rel in (active, pending):
        rel.refresh_from_db()
        assert (rel.status, rel.terminated_side, rel.terminated_by) == (RelationshipStatus.TERMINATED, "partner",
                                                                        partner_admin)
        assert rel.version > 2 and rel.requests.filter(action="terminate", status="succeeded").count() == 1
    assert GdapApproval.objects.get(relationship=pending).status == LinkStatus.REVOKED
    assert AccessAssignment.objects.get(pk=assignment.pk).status == AssignmentStatus.DELETED
    assert AdminRelationship.objects.get(pk=foreign.pk).status == RelationshipStatus.ACTIVE
    customer_log = set(ActivityLog.objects.filter(tenant=active.customer).values_list("kind", flat=True))
    assert {GdapEvents.TERMINATION_REQUESTED, GdapEvents.TERMINATED} <= customer_log

    before = ActivityLog.objects.count()
    _job, outcome = run(partner, partner_admin, "gdap.bulk_terminate", [active, pending])  # the same selection
    assert set(outcome.values()) == {("skipped", "not_terminable")} and ActivityLog.objects.count() == before + 2


def test_bulk_remove_global_administrator(partner, partner_admin):
    with_ga = relationship(partner, partner_admin, "With GA")
    without = relationship(partner, partner_admin, "Without GA", roles=(DIRECTORY_READERS,))
    only = relationship(partner, partner_admin, "Only GA", roles=(GLOBAL_ADMINISTRATOR,))
    pending = relationship(partner, partner_admin, "Pending GA", active=False)
    group = services.group_create(partner=partner, actor=partner_admin, name="Admins", description="")
    full = services.assignment_create(with_ga, actor=partner_admin, security_group=group,
                                      roles=[GLOBAL_ADMINISTRATOR, GLOBAL_READER])
    other_group = services.group_create(partner=partner, actor=partner_admin, name="GA only", description="")
    ga_only = services.assignment_create(with_ga, actor=partner_admin, security_group=other_group,
                                         roles=[GLOBAL_ADMINISTRATOR])
    etag = AdminRelationship.objects.get(pk=with_ga.pk).etag

    job, outcome = run(partner, partner_admin, "gdap.bulk_remove_global_admin", [with_ga, without, only, pending],
                       auto_extend=True)
    assert outcome == {"With GA": ("done", ""), "Without GA": ("skipped", "no_global_admin"),
                       "Only GA": ("skipped", "only_global_admin"), "Pending GA": ("skipped", "not_active")}
    rel = AdminRelationship.objects.get(pk=with_ga.pk)
    assert {r.pk for r in rel.roles.all()} == {__import__("uuid").UUID(GLOBAL_READER)}
    assert rel.auto_extend_duration == timedelta(days=180) and rel.etag != etag  # now eligible, and turned on
    assert [r.name for r in AccessAssignment.objects.get(pk=full.pk).roles.all()] == ["Global Reader"]
    assert AccessAssignment.objects.get(pk=ga_only.pk).status == AssignmentStatus.DELETED
    assert GLOBAL_ADMINISTRATOR_ID in {r.pk for r in AdminRelationship.objects.get(pk=only.pk).roles.all()}
    kinds = list(ActivityLog.objects.filter(tenant=partner, data__relationship_id=str(rel.pk))
                 .values_list("kind", flat=True))
    assert GdapEvents.GLOBAL_ADMIN_REMOVED in kinds and GdapEvents.UPDATED in kinds

    _job, outcome = run(partner, partner_admin, "gdap.bulk_remove_global_admin", [with_ga])
    assert outcome == {"With GA": ("skipped", "no_global_admin")}


def test_a_creator_who_lost_the_right_changes_nothing(partner):
    agent = member(partner, Role.ADMIN_AGENT)
    rel = relationship(partner, agent, "Keep me")
    job = job_services.job_create(tenant=partner, actor=agent, kind="gdap.bulk_terminate",
                                  items=[(str(rel.pk), rel.display_name)])
    agent.memberships.update(role=Role.HELPDESK_AGENT)
    job_services.job_run(job_id=job.pk)
    assert JobItem.objects.get(job=job).reason_code == "forbidden"
    assert AdminRelationship.objects.get(pk=rel.pk).status == RelationshipStatus.ACTIVE
