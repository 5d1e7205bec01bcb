"""F2 request a reseller relationship and F4 acceptance: rules, tokens, wrong persons."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from customers.models import DelegatedAdminPermission, RelationshipStatus, ResellerRelationship
from invitations import services
from invitations.errors import NotAllowed, RequestAlreadyAnswered, RequestExpired, RequestNotFound
from invitations.models import Acceptance, AcceptanceStatus, RelationshipRequest, RequestStatus
from links.tokens import token_digest
from partnercenter.errors import DomainError
from partnercenter.models import ActivityKind, ActivityLog, Cloud, OutboxEmail, OutboxStatus
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down():
    """Eager mode off and a broker nobody listens on: a click leaves its acceptance 'processing'."""
    from partnercenter import celery as celery_module

    conf = celery_module.app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager, conf.broker_url = False, "redis://127.0.0.1:1/0"
    yield
    conf.task_always_eager, conf.broker_url = saved


def create(partner, actor, **kwargs):
    kwargs.setdefault("include_dap", False)
    return services.invitation_create(partner=partner, actor=actor, **kwargs)


# --- Creating requests ----------------------------------------------------------------------------


def test_only_the_digest_and_last4_of_the_token_are_stored(partner, partner_admin):
    request, raw = create(partner, partner_admin)
    assert len(raw) >= 43  # 32 random bytes, url-safe base64
    row = RelationshipRequest.objects.get(pk=request.pk)
    assert row.token_digest == token_digest(raw)
    assert row.token_last4 == raw[-4:]
    stored = [str(v) for v in RelationshipRequest.objects.filter(pk=request.pk).values().first().values()]
    assert raw not in stored


def test_sales_agent_may_request_without_admin_permissions_only(partner):
    sales = member(partner, Role.SALES_AGENT)
    create(partner, sales)
    with pytest.raises(NotAllowed):
        create(partner, sales, include_dap=True)


@pytest.mark.parametrize("role", [Role.HELPDESK_AGENT, Role.BILLING_ADMIN])
def test_helpdesk_and_billing_may_not_request(partner, role):
    with pytest.raises(NotAllowed):
        create(partner, member(partner, role))


def test_usgov_partner_cannot_ask_for_admin_permissions():
    partner = PartnerFactory(cloud=Cloud.USGOV, country="US")
    admin = member(partner, Role.GLOBAL_ADMIN)
    with pytest.raises(NotAllowed):
        create(partner, admin, include_dap=True)
    request, _raw = create(partner, admin)
    assert not request.include_dap


def test_addressed_request_is_single_use_and_unique_per_email(partner, partner_admin):
    first, raw1 = create(partner, partner_admin, customer_email="Mike@Adatum.example", reusable=True)
    assert first.email == "mike@adatum.example"
    assert not first.reusable
    second, raw2 = create(partner, partner_admin, customer_email="mike@adatum.example", reissue=True)
    assert second.pk == first.pk
    assert raw1 != raw2
    assert RelationshipRequest.objects.filter(partner=partner, status=RequestStatus.PENDING).count() == 1
    assert services.request_by_token(raw1) is None  # the re-issued request killed the old link


def test_bad_customer_email_is_refused(partner, partner_admin):
    with pytest.raises(DomainError) as info:
        create(partner, partner_admin, customer_email="not-an-email")
    assert info.value.field == "customer_email"
    assert not RelationshipRequest.objects.exists()


# --- Send, resend, revoke ------------------------------------------------------------------------


def test_send_writes_an_outbox_row_and_requires_the_link(partner, partner_admin, settings):
    request, raw = create(partner, partner_admin, customer_email="mike@adatum.example")
    link = "http://testserver" + services.acceptance_path(raw)
    with pytest.raises(DomainError) as info:
        services.invitation_send(request=request, actor=partner_admin, raw_token=raw, subject="Hi",
                                 body="no link here", link=link)
    assert info.value.field == "body"
    assert not OutboxEmail.objects.exists()
    services.invitation_send(request=request, actor=partner_admin, raw_token=raw, subject="Hi",
                             body=f"Please accept: {link}", link=link)
    row = OutboxEmail.objects.get()
    assert row.to_email == "mike@adatum.example"
    assert row.status == OutboxStatus.SENT  # eager task in tests
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body
    assert ActivityLog.objects.filter(tenant=partner, kind=ActivityKind.REQUEST_SENT).exists()


def test_resend_rotates_the_token_and_kills_the_old_link(partner, partner_admin):
    request, old = create(partner, partner_admin)
    new = services.invitation_resend(request=request, actor=partner_admin)
    assert new != old
    assert services.request_by_token(old) is None
    assert services.request_by_token(new).pk == request.pk


def test_revoked_link_is_not_found(partner, partner_admin, customer, customer_admin):
    request, raw = create(partner, partner_admin)
    services.invitation_revoke(request=request, actor=partner_admin)
    with pytest.raises(RequestNotFound):
        services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer)
    assert not ResellerRelationship.objects.exists()


# --- Accepting --------------------------------------------------------------------------------


def test_accept_creates_relationship_dap_activity_and_mails(partner, partner_admin, customer, customer_admin):
    sender = member(partner, Role.ADMIN_AGENT)
    request, raw = create(partner, sender, include_dap=True)
    acceptance = services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer)
    acceptance.refresh_from_db()
    assert acceptance.status == AcceptanceStatus.SUCCEEDED
    assert ResellerRelationship.objects.filter(partner=partner, customer=customer, status="active").count() == 1
    assert DelegatedAdminPermission.objects.filter(partner=partner, customer=customer, status="active").count() == 3
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED and request.accepted_customer == customer
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([partner_admin.email, sender.email])
    for tenant in (partner, customer):
        assert ActivityLog.objects.filter(tenant=tenant, kind=ActivityKind.REQUEST_ACCEPTED).exists()
        assert ActivityLog.objects.filter(tenant=tenant, kind=ActivityKind.RELATIONSHIP_CREATED).exists()


def test_replay_gives_one_relationship_and_one_mail(partner, partner_admin, customer, customer_admin):
    _request, raw = create(partner, partner_admin)
    acceptance = services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer)
    with pytest.raises(RequestAlreadyAnswered):
        services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer)
    # A re-delivered task finds the acceptance done and changes nothing.
    assert services.acceptance_process(acceptance_id=str(acceptance.id)) == "done-already"
    assert ResellerRelationship.objects.count() == 1
    assert len(mail.outbox) == 1


def test_single_use_link_cannot_be_used_by_a_second_customer(partner, partner_admin, customer, customer_admin):
    _request, raw = create(partner, partner_admin)
    services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer)
    other = TenantFactory()
    with pytest.raises(RequestAlreadyAnswered):
        services.invitation_accept(raw_token=raw, user=member(other, Role.CUSTOMER_GLOBAL_ADMIN), customer=other)
    assert ResellerRelationship.objects.count() == 1


def test_reusable_link_counts_its_acceptances(partner, partner_admin):
    request, raw = create(partner, partner_admin, reusable=True)
    for _ in range(3):
        tenant = TenantFactory()
        services.invitation_accept(raw_token=raw, user=member(tenant, Role.CUSTOMER_GLOBAL_ADMIN), customer=tenant)
    request.refresh_from_db()
    assert request.acceptance_count == 3 and request.status == RequestStatus.PENDING
    assert ResellerRelationship.objects.count() == 3


def test_region_rule_refuses_and_creates_nothing(partner, partner_admin):
    _request, raw = create(partner, partner_admin)
    american = TenantFactory(country="US")
    with pytest.raises(DomainError) as info:
        services.invitation_accept(raw_token=raw, user=member(american, Role.CUSTOMER_GLOBAL_ADMIN), customer=american)
    assert info.value.code == "region_mismatch"
    assert not ResellerRelationship.objects.exists() and not Acceptance.objects.exists()


def test_eu_efta_is_one_region(partner, partner_admin):
    _request, raw = create(partner, partner_admin)
    swiss = TenantFactory(country="CH")
    services.invitation_accept(raw_token=raw, user=member(swiss, Role.CUSTOMER_GLOBAL_ADMIN), customer=swiss)
    assert ResellerRelationship.objects.filter(customer=swiss).exists()


def test_cloud_rule_refuses(partner, partner_admin):
    _request, raw = create(partner, partner_admin)
    gov = TenantFactory(cloud=Cloud.USGOV)
    with pytest.raises(DomainError) as info:
        services.invitation_accept(raw_token=raw, user=member(gov, Role.CUSTOMER_GLOBAL_ADMIN), customer=gov)
    assert info.value.code == "cloud_mismatch"


def test_rules_are_checked_again_at_processing_time(partner, partner_admin, customer, customer_admin,
                                                    broker_down):
    _request, raw = create(partner, partner_admin)
    acceptance = services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer)
    assert Acceptance.objects.get(pk=acceptance.pk).status == AcceptanceStatus.PROCESSING
    customer.country = "US"  # the customer moved between click and processing
    customer.save()
    assert services.acceptance_process(acceptance_id=str(acceptance.id)) == "failed"
    assert Acceptance.objects.get(pk=acceptance.pk).result_code == "region"
    assert not ResellerRelationship.objects.exists()


# --- Multichannel ----------------------------------------------------------------------------------


def _current_admin_partner(customer):
    other = PartnerFactory()
    other_admin = member(other, Role.GLOBAL_ADMIN)
    _r, raw = create(other, other_admin, include_dap=True)
    services.invitation_accept(raw_token=raw, user=member(customer, Role.CUSTOMER_GLOBAL_ADMIN), customer=customer)
    return other


def test_multichannel_keep_accepts_reseller_only(partner, partner_admin, customer, customer_admin):
    other = _current_admin_partner(customer)
    _r, raw = create(partner, partner_admin, include_dap=True)
    with pytest.raises(DomainError) as info:
        services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer)
    assert info.value.field == "dap_choice"
    services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer, dap_choice="keep")
    assert ResellerRelationship.objects.filter(partner=partner, customer=customer).exists()
    active = DelegatedAdminPermission.objects.filter(customer=customer, status=RelationshipStatus.ACTIVE)
    assert set(active.values_list("partner_id", flat=True)) == {other.id}


def test_multichannel_reassign_moves_admin_permissions(partner, partner_admin, customer, customer_admin):
    other = _current_admin_partner(customer)
    _r, raw = create(partner, partner_admin, include_dap=True)
    services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer, dap_choice="reassign")
    active = DelegatedAdminPermission.objects.filter(customer=customer, status=RelationshipStatus.ACTIVE)
    assert set(active.values_list("partner_id", flat=True)) == {partner.id}
    assert ActivityLog.objects.filter(tenant=other, kind=ActivityKind.DAP_REMOVED).exists()


# --- Expiry with a frozen clock ------------------------------------------------------------------


def test_expiry_edge_one_second(partner, partner_admin, customer, customer_admin, settings):
    settings.INVITATION_EXPIRY_DAYS = 30
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        request, raw = create(partner, partner_admin)
    deadline = request.expires_at
    with time_machine.travel(deadline + timedelta(seconds=1), tick=False):
        with pytest.raises(RequestExpired):
            services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer)
    with time_machine.travel(deadline - timedelta(seconds=1), tick=False):
        services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer)
    assert ResellerRelationship.objects.count() == 1


def test_expire_task_persists_status(partner, partner_admin):
    request, _raw = create(partner, partner_admin)
    with time_machine.travel(request.expires_at + timedelta(seconds=1), tick=False):
        from links.services import links_expire

        assert links_expire() == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.EXPIRED
    assert ActivityLog.objects.filter(kind=ActivityKind.REQUEST_EXPIRED).count() == 1


# --- Wrong persons create nothing ----------------------------------------------------------------


def test_wrong_persons_create_nothing(partner, partner_admin, customer):
    _r, raw = create(partner, partner_admin, customer_email="mike@adatum.example")
    mike = member(customer, Role.CUSTOMER_GLOBAL_ADMIN, email="mike@adatum.example")
    lookalike_tenant = TenantFactory()
    lookalike = member(lookalike_tenant, Role.CUSTOMER_GLOBAL_ADMIN, email="mıke@adatum.example")
    plain_user = member(customer, Role.CUSTOMER_USER)
    other_admin_tenant = TenantFactory()
    other_admin = member(other_admin_tenant, Role.CUSTOMER_GLOBAL_ADMIN)
    attempts = [
        (lookalike, lookalike_tenant),  # dotless ı is not i
        (plain_user, customer),  # not a Global admin
        (other_admin, other_admin_tenant),  # another tenant's admin, different email
        (partner_admin, partner),  # the partner itself
        (mike, other_admin_tenant),  # right email, but not an admin of that tenant
    ]
    for user, tenant in attempts:
        with pytest.raises(NotAllowed):
            services.invitation_accept(raw_token=raw, user=user, customer=tenant)
    assert not Acceptance.objects.exists() and not ResellerRelationship.objects.exists()
    services.invitation_accept(raw_token=raw, user=mike, customer=customer)
    assert ResellerRelationship.objects.count() == 1


def test_unverified_email_does_not_match(partner, partner_admin, customer):
    from allauth.account.models import EmailAddress

    _r, raw = create(partner, partner_admin, customer_email="mike@adatum.example")
    mike = member(customer, Role.CUSTOMER_GLOBAL_ADMIN, email="mike@adatum.example")
    EmailAddress.objects.filter(user=mike).update(verified=False)
    with pytest.raises(NotAllowed):
        services.invitation_accept(raw_token=raw, user=mike, customer=customer)


# --- Pages: identical not-found, explanations only for the rightful customer ----------------------


def _page(client, raw):
    return client.get(services.acceptance_path(raw))


def test_forged_revoked_and_foreign_links_give_identical_404(partner, partner_admin, client):
    request, revoked = create(partner, partner_admin)
    services.invitation_revoke(request=request, actor=partner_admin)
    other_partner = PartnerFactory()
    foreign_request, foreign = create(other_partner, member(other_partner, Role.GLOBAL_ADMIN))
    services.invitation_revoke(request=foreign_request, actor=foreign_request.created_by)
    tokens = ["A" * 43, revoked, foreign, "qqshortqq"]
    pages = [(_page(client, token), token) for token in tokens]
    assert {p.status_code for p, _t in pages} == {404}

    def strip(resp, token):
        html = resp.content.decode().replace(token, "TOKEN")
        return re.sub(r'value="[^"]{40,}"|"X-CSRFToken": "[^"]+"', "", html)

    bodies = {strip(p, t) for p, t in pages}
    assert len(bodies) == 1


def test_expired_link_explains_only_to_rightful_customer(partner, partner_admin, customer):
    request, raw = create(partner, partner_admin, customer_email="mike@adatum.example")
    mike = member(customer, Role.CUSTOMER_GLOBAL_ADMIN, email="mike@adatum.example")
    stranger_tenant = TenantFactory()
    stranger = member(stranger_tenant, Role.CUSTOMER_GLOBAL_ADMIN)
    with time_machine.travel(request.expires_at + timedelta(seconds=5), tick=False):
        assert _page(client_for(stranger), raw).status_code == 404
        response = _page(client_for(mike), raw)
        assert response.status_code == 410
        assert "expired" in response.content.decode()


def test_pending_page_shows_profile_and_what_is_asked(partner, partner_admin, client):
    _r, raw = create(partner, partner_admin, include_dap=True)
    html = _page(client, raw).content.decode()
    assert "Partner relationship request" in html
    assert partner.mpn_id in html and partner.profile.support_email in html
    assert "Delegated admin permissions" in html
    assert "Company name" in html and "Primary domain" in html


def test_partner_requests_list_and_views_are_scoped(partner, partner_admin):
    request, _raw = create(partner, partner_admin)
    other = PartnerFactory()
    other_admin = member(other, Role.GLOBAL_ADMIN)
    client = client_for(other_admin)
    assert client.post(f"/customers/requests/{request.id}/revoke/").status_code == 404
    assert client.post(f"/customers/requests/{request.id}/resend/").status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_a_poison_acceptance_is_given_up_after_max_deliveries(partner, partner_admin, customer, customer_admin,
                                                              settings, monkeypatch, broker_down):
    _r, raw = create(partner, partner_admin)
    acceptance = services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer)

    def boom(**kwargs):  # noqa: ANN003, ANN202
        raise RuntimeError("poison")

    from invitations.services import processing

    monkeypatch.setattr(processing, "reseller_relationship_ensure", boom)
    for _ in range(settings.TASK_MAX_DELIVERIES):
        with pytest.raises(RuntimeError):
            services.acceptance_process(acceptance_id=str(acceptance.id))
    assert Acceptance.objects.get(pk=acceptance.pk).deliveries == settings.TASK_MAX_DELIVERIES
    assert services.acceptance_process(acceptance_id=str(acceptance.id)) == "failed"
    row = Acceptance.objects.get(pk=acceptance.pk)
    assert row.status == AcceptanceStatus.FAILED and row.result_code == "dead"
    assert not ResellerRelationship.objects.exists()


# --- Races between the click and the processing (review findings) -------------------------------


def test_what_the_customer_saw_is_what_is_applied(partner, partner_admin, customer, broker_down):
    mike = member(customer, Role.CUSTOMER_GLOBAL_ADMIN, email="mike@adatum.example")
    _r, raw = create(partner, partner_admin, customer_email="mike@adatum.example")
    acceptance = services.invitation_accept(raw_token=raw, user=mike, customer=customer)
    # While the acceptance waits, the partner cannot turn it into a DAP request.
    with pytest.raises(DomainError):
        create(partner, partner_admin, customer_email="mike@adatum.example", include_dap=True)
    RelationshipRequest.objects.update(include_dap=True)  # even if the row changed some other way
    services.acceptance_process(acceptance_id=str(acceptance.id))
    assert ResellerRelationship.objects.filter(partner=partner, customer=customer).exists()
    assert not DelegatedAdminPermission.objects.filter(customer=customer).exists()


def test_a_conflict_that_appears_after_the_click_keeps_the_current_admin(customer, customer_admin, broker_down):
    first, second = PartnerFactory(), PartnerFactory()
    _r1, raw1 = create(first, member(first, Role.GLOBAL_ADMIN), include_dap=True)
    _r2, raw2 = create(second, member(second, Role.GLOBAL_ADMIN), include_dap=True)
    a1 = services.invitation_accept(raw_token=raw1, user=customer_admin, customer=customer)
    a2 = services.invitation_accept(raw_token=raw2, user=customer_admin, customer=customer)
    services.acceptance_process(acceptance_id=str(a1.id))
    services.acceptance_process(acceptance_id=str(a2.id))
    holders = set(DelegatedAdminPermission.objects.filter(customer=customer, status="active")
                  .values_list("partner_id", flat=True))
    assert holders == {first.id}
    assert ResellerRelationship.objects.filter(customer=customer).count() == 2


def test_decline_cannot_overtake_a_waiting_acceptance(partner, partner_admin, customer, customer_admin,
                                                      broker_down):
    request, raw = create(partner, partner_admin)
    acceptance = services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer)
    other = TenantFactory()
    with pytest.raises(RequestAlreadyAnswered):
        services.invitation_decline(raw_token=raw, user=member(other, Role.CUSTOMER_GLOBAL_ADMIN), customer=other)
    services.acceptance_process(acceptance_id=str(acceptance.id))
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED


def test_a_refused_acceptance_can_be_retried_after_the_cause_is_fixed(partner, partner_admin, customer,
                                                                      customer_admin, broker_down):
    _r, raw = create(partner, partner_admin)
    acceptance = services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer)
    customer.country = "US"
    customer.save()
    assert services.acceptance_process(acceptance_id=str(acceptance.id)) == "failed"
    customer.country = "DE"
    customer.save()
    retry = services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer)
    assert services.acceptance_process(acceptance_id=str(retry.id)) == "succeeded"
    assert ResellerRelationship.objects.filter(customer=customer).count() == 1


def test_used_unaddressed_link_is_not_found_for_other_customers(partner, partner_admin, customer, customer_admin):
    _r, raw = create(partner, partner_admin)
    services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer)
    other = TenantFactory()
    assert _page(client_for(member(other, Role.CUSTOMER_GLOBAL_ADMIN)), raw).status_code == 404
    assert _page(client_for(customer_admin), raw).status_code == 410


def test_revoked_link_is_not_found_for_answers_from_any_tenant(partner, partner_admin, customer_admin):
    request, raw = create(partner, partner_admin)
    services.invitation_revoke(request=request, actor=partner_admin)
    for user in (partner_admin, customer_admin):
        client = client_for(user)
        for action in ("accept", "decline"):
            assert client.post(services.acceptance_path(raw) + f"{action}/").status_code == 404
        assert _page(client, raw).status_code == 404


def test_notification_subject_is_not_html_escaped(partner, partner_admin):
    customer = TenantFactory(name="Smith & Sons <Ltd>")
    _r, raw = create(partner, partner_admin)
    services.invitation_accept(raw_token=raw, user=member(customer, Role.CUSTOMER_GLOBAL_ADMIN), customer=customer)
    assert mail.outbox[0].subject.startswith("Smith & Sons <Ltd> accepted")


def test_sent_mail_keeps_no_live_link_when_the_dev_outbox_is_off(partner, partner_admin, settings):
    settings.DEV_OUTBOX_ENABLED = False
    request, raw = create(partner, partner_admin, customer_email="mike@adatum.example")
    link = "http://testserver" + services.acceptance_path(raw)
    services.invitation_send(request=request, actor=partner_admin, raw_token=raw, subject="Hi", body=link, link=link)
    row = OutboxEmail.objects.get()
    assert row.status == OutboxStatus.SENT and row.body == "" and raw not in row.subject
    assert link in mail.outbox[0].body


def test_token_reissue_gives_a_new_link_and_a_fresh_expiry(settings):
    from links.services import link_reissue
    from links.tokens import token_digest

    settings.INVITATION_EXPIRY_DAYS = 7
    old = RelationshipRequest(token_digest=token_digest("old-raw-token-0123456789"), token_last4="6789",
                              expires_at=timezone.now() - timedelta(days=1))
    token, old_last4 = link_reissue(old)
    assert old_last4 == "6789"
    assert old.token_digest == token_digest(token.raw) != token_digest("old-raw-token-0123456789")
    assert old.token_last4 == token.raw[-4:]
    assert timedelta(days=7) - timedelta(minutes=1) < old.expires_at - timezone.now() <= timedelta(days=7)
