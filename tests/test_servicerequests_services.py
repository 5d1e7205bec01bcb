"""Service request services: numbers, permissions (role and DAP/GDAP), status and assignee with versions,
comments of both sides, mails to the other side in its language, activity entries, attachments."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from partnercenter.errors import Code, DomainError, Forbidden, Invalid, NotFound, Stale
from partnercenter.models import ActivityLog, Membership, OutboxEmail
from partnercenter.roles import Role
from servicerequests import services
from servicerequests.models import Attachment, Comment, ServiceRequest, Status
from tests.factories import member
from tests.servicerequests_support import EXE, open_request, upload, world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def kinds(tenant) -> list[str]:  # noqa: ANN001
    return list(ActivityLog.objects.filter(tenant=tenant).filter(kind__startswith="service_request.")
                .order_by("id").values_list("kind", flat=True))


def test_numbers_count_per_partner_and_the_customer_admins_are_told_in_their_language():
    w, other = world("Contoso"), world("Fabrikam")
    first, second = open_request(w), open_request(w, title="Licenses")
    assert (first.number, second.number, first.reference) == (1, 2, "SR-000001")
    assert open_request(other).number == 1
    mail = OutboxEmail.objects.filter(to_email=w.customer_admin.email).order_by("id").first()
    assert mail.language == "hu" and "SR-000001" in mail.subject and "/admin-center/service-requests/" in mail.body
    assert not OutboxEmail.objects.filter(to_email=w.customer_user.email).exists()  # a User, not a Global admin
    assert kinds(w.partner)[:1] == ["service_request.created"] and kinds(w.customer) == []
    entry = ActivityLog.objects.filter(tenant=w.partner, kind="service_request.created").order_by("id").first()
    assert entry.customer == w.customer and entry.actor == w.agent
    assert entry.data["reference"] == "SR-000001" and entry.data["title"] == "Mail flow stopped"


def test_a_helpdesk_agent_without_dap_or_gdap_is_refused_and_nothing_is_saved():
    w = world(dap=False)
    with pytest.raises(Forbidden):
        open_request(w, actor=w.helpdesk)
    with pytest.raises(Forbidden):
        open_request(w, actor=w.sales)  # no role for it either
    assert not ServiceRequest.objects.exists() and not OutboxEmail.objects.exists()


def test_another_partners_customer_is_not_found():
    w, other = world("Contoso"), world("Fabrikam")
    with pytest.raises(NotFound):
        services.service_request_create(partner=w.partner, actor=w.agent, customer=other.customer, title="x",
                                        description="y", severity="B", category="other")


@pytest.mark.parametrize(("values", "field"), [
    ({"title": "  "}, "title"), ({"title": "x" * 201}, "title"), ({"description": ""}, "description"),
    ({"description": "x" * 10_001}, "description"), ({"severity": "D"}, "severity"), ({"category": "x"}, "category"),
])
def test_bad_input_is_refused_beside_its_field(values, field):
    w = world()
    with pytest.raises(Invalid) as refused:
        open_request(w, **values)
    assert refused.value.field == field
    assert not ServiceRequest.objects.exists()


def test_assignee_must_be_an_active_member_who_works_on_service_requests():
    w, other = world("Contoso"), world("Fabrikam")
    for wrong in (other.agent.pk, w.sales.pk, 999999, "x", w.customer_admin.pk):
        with pytest.raises(Invalid) as refused:
            open_request(w, assignee_id=wrong)
        assert refused.value.field == "assignee"
    Membership.objects.filter(user=w.helpdesk).update(is_active=False)
    with pytest.raises(Invalid):
        open_request(w, assignee_id=w.helpdesk.pk)
    assert not ServiceRequest.objects.exists()
    sr = open_request(w, assignee_id=w.admin.pk)
    assert sr.assignee == w.admin
    assert OutboxEmail.objects.filter(to_email=w.admin.email, kind="servicerequests/assigned").exists()


def test_status_changes_follow_the_rules_and_a_stale_version_is_refused():
    w = world()
    sr = open_request(w)
    sr = services.service_request_status_set(partner=w.partner, actor=w.agent, request=sr,
                                              status=Status.IN_PROGRESS, version=sr.version)
    assert (sr.status, sr.version) == (Status.IN_PROGRESS, 2)
    with pytest.raises(Stale) as stale:
        services.service_request_status_set(partner=w.partner, actor=w.admin, request=sr, status=Status.CLOSED,
                                            version=1)
    assert stale.value.field == "status" and "Someone else changed" in stale.value.message
    with pytest.raises(Stale):
        services.service_request_status_set(partner=w.partner, actor=w.admin, request=sr, status=Status.CLOSED,
                                            version="tampered")
    with pytest.raises(DomainError) as back:
        services.service_request_status_set(partner=w.partner, actor=w.admin, request=sr, status=Status.NEW,
                                            version=2)
    assert back.value.code == Code.CONFLICT
    assert ServiceRequest.objects.get().status == Status.IN_PROGRESS
    entry = ActivityLog.objects.get(tenant=w.partner, kind="service_request.status_changed")
    assert (entry.data["previous"], entry.data["status"]) == ("New", "In progress")
    mail = OutboxEmail.objects.filter(kind="servicerequests/status_changed").get()
    assert mail.to_email == w.customer_admin.email and "SR-000001" in mail.subject


def test_a_customer_comment_moves_waiting_to_in_progress_and_is_mailed_to_the_assignee():
    w = world()
    sr = open_request(w, assignee_id=w.helpdesk.pk)
    sr = services.service_request_status_set(partner=w.partner, actor=w.agent, request=sr,
                                              status=Status.WAITING_FOR_CUSTOMER, version=sr.version)
    services.comment_add_customer(customer=w.customer, actor=w.customer_admin, request=sr, body="Here is the log.",
                                  uploads=[upload("mail.log", b"450 4.7.0 deferred\n")])
    sr.refresh_from_db()
    assert sr.status == Status.IN_PROGRESS and sr.version == 3
    mail = OutboxEmail.objects.get(kind="servicerequests/customer_commented")
    assert mail.to_email == w.helpdesk.email and "Here is the log." in mail.body
    assert f"/customers/{w.customer.id}/service-requests/{sr.pk}/" in mail.body
    assert kinds(w.customer) == ["service_request.commented", "service_request.attachment_added",
                                 "service_request.status_changed"]
    attachment = Attachment.objects.get()
    assert attachment.comment.side == "customer" and attachment.name == "mail.log"
    assert default_storage.open(attachment.storage_name).read() == b"450 4.7.0 deferred\n"


def test_without_an_active_assignee_a_customer_comment_goes_to_the_creator_else_to_nobody():
    w = world()
    sr = open_request(w)
    services.comment_add_customer(customer=w.customer, actor=w.customer_admin, request=sr, body="Still broken")
    assert list(OutboxEmail.objects.filter(kind="servicerequests/customer_commented")
                .values_list("to_email", flat=True)) == [w.agent.email]
    Membership.objects.filter(user=w.agent).update(is_active=False)
    services.comment_add_customer(customer=w.customer, actor=w.customer_admin, request=sr, body="Hello?")
    assert OutboxEmail.objects.filter(kind="servicerequests/customer_commented").count() == 1


def test_a_partner_comment_goes_to_the_customer_admins_and_only_the_partners_log():
    w = world()
    sr = open_request(w)
    services.comment_add_partner(partner=w.partner, actor=w.helpdesk, request=sr, body="We restarted the connector.")
    mail = OutboxEmail.objects.get(kind="servicerequests/partner_commented")
    assert mail.to_email == w.customer_admin.email and "We restarted the connector." in mail.body
    assert kinds(w.partner) == ["service_request.created", "service_request.commented"] and kinds(w.customer) == []


def test_the_customer_side_is_its_own_organisation_and_its_global_admins_only():
    w, other = world("Contoso"), world("Fabrikam")
    sr = open_request(w)
    with pytest.raises(NotFound):
        services.comment_add_customer(customer=other.customer, actor=other.customer_admin, request=sr, body="x")
    with pytest.raises(Forbidden):
        services.comment_add_customer(customer=w.customer, actor=w.customer_user, request=sr, body="x")
    assert not Comment.objects.exists()


def test_a_closed_request_takes_no_comment_and_no_status_change():
    w = world()
    sr = open_request(w)
    sr = services.service_request_status_set(partner=w.partner, actor=w.agent, request=sr, status=Status.CLOSED,
                                              version=sr.version)
    for call in (lambda: services.comment_add_customer(customer=w.customer, actor=w.customer_admin, request=sr,
                                                       body="x"),
                 lambda: services.comment_add_partner(partner=w.partner, actor=w.agent, request=sr, body="x"),
                 lambda: services.service_request_status_set(partner=w.partner, actor=w.agent, request=sr,
                                                             status=Status.IN_PROGRESS, version=sr.version)):
        with pytest.raises(DomainError) as refused:
            call()
        assert refused.value.code == Code.CONFLICT
    assert not Comment.objects.exists()


def test_a_long_comment_and_a_bad_file_save_nothing():
    w = world()
    sr = open_request(w)
    before = (ActivityLog.objects.count(), OutboxEmail.objects.count())
    with pytest.raises(Invalid) as long:
        services.comment_add_partner(partner=w.partner, actor=w.agent, request=sr, body="x" * 100_000)
    assert long.value.field == "body" and "100,000" in long.value.message
    with pytest.raises(Invalid) as bad:
        services.comment_add_partner(partner=w.partner, actor=w.agent, request=sr, body="ok",
                                     uploads=[upload("a.txt"), upload("tool.pdf", EXE)])
    assert bad.value.field == "attachments"
    assert not Comment.objects.exists() and not Attachment.objects.exists()
    assert (ActivityLog.objects.count(), OutboxEmail.objects.count()) == before


def test_a_failure_after_storing_removes_the_stored_file(monkeypatch):
    w = world()
    sr = open_request(w)

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("mail template broke")

    monkeypatch.setattr("servicerequests.services.comments.mail", broken)
    with pytest.raises(RuntimeError):
        services.comment_add_partner(partner=w.partner, actor=w.agent, request=sr, body="ok", uploads=[upload()])
    assert not Attachment.objects.exists() and not Comment.objects.exists()
    _dirs, stored = default_storage.listdir(f"service-requests/{w.partner.pk}/{sr.pk}")
    assert stored == []


def test_assignment_changes_are_versioned_recorded_and_mailed_to_the_new_assignee():
    w = world()
    sr = open_request(w)
    sr = services.service_request_assign(partner=w.partner, actor=w.agent, request=sr, assignee_id=w.helpdesk.pk,
                                         version=sr.version)
    assert sr.assignee == w.helpdesk and sr.version == 2
    with pytest.raises(Stale) as stale:
        services.service_request_assign(partner=w.partner, actor=w.agent, request=sr, assignee_id="", version=1)
    assert stale.value.field == "assignee"
    sr = services.service_request_assign(partner=w.partner, actor=w.agent, request=sr, assignee_id="", version=2)
    assert sr.assignee is None
    assert [e.data["assignee"] for e in ActivityLog.objects.filter(kind="service_request.assigned").order_by("id")] \
        == [w.helpdesk.email, "nobody"]
    assert OutboxEmail.objects.filter(kind="servicerequests/assigned", to_email=w.helpdesk.email).count() == 1


def test_the_activity_descriptions_read(client):
    from partnercenter.events import kind_get

    w = world()
    sr = open_request(w)
    services.comment_add_partner(partner=w.partner, actor=w.agent, request=sr, body="x", uploads=[upload()])
    for entry in ActivityLog.objects.filter(kind__startswith="service_request."):
        text = str(kind_get(entry.kind).description) % entry.data
        assert "SR-000001" in text
    w2_admin = member(w.partner, Role.GLOBAL_ADMIN)
    from tests.conftest import client_for

    page = client_for(w2_admin).get("/activity/").content.decode()
    assert "Service request opened" in page and "trace.txt was attached to SR-000001." in page


def test_another_partner_serving_the_same_customer_cannot_comment_on_the_request():
    """Fabrikam serves Contoso's customer too (with DAP): its agent passes the customer checks, but the
    request is Contoso's — NotFound, like the status and the assignee, and nothing is saved."""
    from customers.models import DelegatedAdminPermission, Service
    from customers.services import dap_grant, reseller_relationship_ensure

    w, other = world("Contoso"), world("Fabrikam")
    sr = open_request(w)
    reseller_relationship_ensure(partner=other.partner, customer=w.customer, actor=other.admin)
    DelegatedAdminPermission.objects.filter(partner=w.partner, service=Service.INFRASTRUCTURE).delete()
    dap_grant(partner=other.partner, customer=w.customer, services=[Service.INFRASTRUCTURE], reassign=False,
              actor=other.admin)
    before = (ActivityLog.objects.count(), OutboxEmail.objects.count())
    calls = [
        lambda: services.comment_add_partner(partner=other.partner, actor=other.agent, request=sr, body="Mine now",
                                             uploads=[upload()]),
        lambda: services.service_request_status_set(partner=other.partner, actor=other.agent, request=sr,
                                                    status=Status.CLOSED, version=1),
        lambda: services.service_request_assign(partner=other.partner, actor=other.agent, request=sr,
                                                assignee_id="", version=1),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert not Comment.objects.exists() and not Attachment.objects.exists()
    assert ServiceRequest.objects.get().status == Status.NEW
    assert (ActivityLog.objects.count(), OutboxEmail.objects.count()) == before
