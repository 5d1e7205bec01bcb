"""One tokenised-link lifecycle (issue 9, section 3): both kinds on links.TokenLink and links.services,
one status vocabulary and its sets, the link path from reverse(), one expiry sweep for every kind,
the email guard in one copy, mail filed in the recipient's language, migrations that keep data."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation

from invitations import services as invitation_services
from invitations.models import RelationshipRequest, RequestStatus
from links.kinds import KINDS, link_path
from links.models import RESENDABLE, REVOCABLE, LinkStatus, TokenLink
from links.services import links_expire
from links.tokens import token_digest
from partnercenter.errors import DomainError
from partnercenter.models import ActivityKind, ActivityLog, OutboxEmail
from resellers import selectors as partnership_selectors
from resellers import services as partnership_services
from resellers.models import PartnershipRequest, PartnershipRequestStatus
from tests.conftest import client_for
from tests.factories import PartnerFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


def _partnership(provider, provider_admin, **kwargs):  # noqa: ANN001, ANN003, ANN202
    return partnership_services.partnership_request_create(provider=provider, actor=provider_admin, **kwargs)


def _relationship(partner, partner_admin, **kwargs):  # noqa: ANN001, ANN003, ANN202
    return invitation_services.invitation_create(partner=partner, actor=partner_admin, include_dap=False, **kwargs)


# --- One model, one vocabulary, one table of kinds ------------------------------------------------


def test_both_kinds_are_token_links_with_one_status_vocabulary():
    assert issubclass(RelationshipRequest, TokenLink) and issubclass(PartnershipRequest, TokenLink)
    assert RequestStatus is LinkStatus and PartnershipRequestStatus is LinkStatus
    from gdap.models import GdapApproval

    assert issubclass(GdapApproval, TokenLink)
    from members.models import MemberInvitation

    assert issubclass(MemberInvitation, TokenLink)
    from offers.models import AdvisorOffer

    assert issubclass(AdvisorOffer, TokenLink)
    assert {kind.model_class for kind in KINDS.values()} == {RelationshipRequest, PartnershipRequest, GdapApproval,
                                                             MemberInvitation, AdvisorOffer}
    assert RESENDABLE == {LinkStatus.PENDING, LinkStatus.EXPIRED, LinkStatus.DECLINED}
    assert REVOCABLE == {LinkStatus.PENDING, LinkStatus.EXPIRED}


def test_the_link_path_of_each_kind_comes_from_reverse():
    raw = "A" * 43
    assert link_path("relationship_request", raw) == reverse("partner_request", args=[raw])
    assert link_path("partnership_request", raw) == reverse("resellers:link", args=[raw])
    assert link_path("member_invitation", raw) == f"/users/invitation/{raw}/"
    assert link_path("advisor_offer", raw) == f"/admin-center/offer/{raw}/"
    assert invitation_services.acceptance_path(raw) == f"/admin-center/partner-request/{raw}/"
    assert partnership_services.partnership_path(raw) == f"/partnerships/{raw}/"


def test_request_list_templates_use_the_sets_not_status_literals():
    for name in ("invitations/request_list.html", "resellers/reseller_list.html"):
        source = get_template(name).template.source
        assert "r.may_resend" in source and "r.may_revoke" in source
        assert "r.status ==" not in source and "r.effective_status ==" not in source


@pytest.mark.parametrize("status", list(LinkStatus))
def test_resend_and_revoke_buttons_follow_the_sets_for_both_kinds(status, partner, partner_admin, provider,
                                                                    provider_admin):
    relationship, _raw = _relationship(partner, partner_admin)
    partnership, _raw2 = _partnership(provider, provider_admin)
    RelationshipRequest.objects.filter(pk=relationship.pk).update(status=status)
    PartnershipRequest.objects.filter(pk=partnership.pk).update(status=status)
    pages = [
        (client_for(partner_admin).get("/customers/requests/"), relationship.id, "/customers/requests/"),
        (client_for(provider_admin).get("/resellers/"), partnership.id, "/resellers/requests/"),
    ]
    for response, request_id, prefix in pages:
        html = response.content.decode()
        assert (f"{prefix}{request_id}/resend/" in html) == (status in RESENDABLE)
        assert (f"{prefix}{request_id}/revoke/" in html) == (status in REVOCABLE)


# --- One sweep for every kind --------------------------------------------------------------------


def test_one_sweep_expires_both_kinds_with_an_activity_entry_each(partner, partner_admin, provider, provider_admin):
    relationship, _raw = _relationship(partner, partner_admin)
    partnership, _raw2 = _partnership(provider, provider_admin)
    with time_machine.travel(max(relationship.expires_at, partnership.expires_at) + timedelta(seconds=1)):
        assert links_expire() == 2
        assert links_expire() == 0  # each link expires once
    relationship.refresh_from_db()
    partnership.refresh_from_db()
    assert relationship.status == partnership.status == LinkStatus.EXPIRED
    assert ActivityLog.objects.filter(tenant=partner, kind=ActivityKind.REQUEST_EXPIRED).count() == 1
    entry = ActivityLog.objects.get(tenant=provider, kind=ActivityKind.PARTNERSHIP_EXPIRED)
    assert entry.data["last4"] == partnership.token_last4


def test_the_sweep_leaves_live_and_answered_links_alone(provider, provider_admin):
    live, _raw = _partnership(provider, provider_admin)
    revoked, _raw2 = _partnership(provider, provider_admin)
    partnership_services.partnership_request_revoke(request=revoked, actor=provider_admin)
    assert links_expire() == 0
    with time_machine.travel(revoked.expires_at + timedelta(seconds=1)):
        assert links_expire() == 1
    revoked.refresh_from_db()
    live.refresh_from_db()
    assert revoked.status == LinkStatus.REVOKED and live.status == LinkStatus.EXPIRED


def test_beat_runs_one_expiry_sweep_for_every_kind():
    expiry_tasks = [entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values() if "expire" in entry["task"]]
    assert expiry_tasks == ["links.tasks.links_expire"]
    from partnercenter.celery import app

    app.loader.import_default_modules()
    assert "links.tasks.links_expire" in app.tasks


# --- The shared services record who did what ------------------------------------------------------


def test_partnership_revoke_records_when_and_by_whom_apart_from_the_answer(provider, provider_admin):
    request, _raw = _partnership(provider, provider_admin)
    partnership_services.partnership_request_revoke(request=request, actor=provider_admin)
    request.refresh_from_db()
    assert request.revoked_at is not None and request.revoked_by == provider_admin
    assert request.answered_at is None and request.answered_by is None


def test_answers_record_who_answered_for_both_kinds(provider, provider_admin, reseller, reseller_admin, partner,
                                                   partner_admin, customer, customer_admin):
    partnership, _raw = _partnership(provider, provider_admin, reseller_mpn_id=reseller.mpn_id)
    partnership_services.partnership_decline(request_id=partnership.id, reseller=reseller, actor=reseller_admin)
    partnership.refresh_from_db()
    assert partnership.status == LinkStatus.DECLINED and partnership.answered_by == reseller_admin
    relationship, raw = _relationship(partner, partner_admin)
    invitation_services.invitation_accept(raw_token=raw, user=customer_admin, customer=customer)
    relationship.refresh_from_db()
    assert relationship.status == LinkStatus.ACCEPTED and relationship.answered_by == customer_admin
    assert relationship.answered_at is not None and relationship.accepted_customer == customer


def test_resend_of_a_declined_partnership_request_clears_the_answer(provider, provider_admin, reseller,
                                                                     reseller_admin):
    request, _raw = _partnership(provider, provider_admin, reseller_mpn_id=reseller.mpn_id)
    partnership_services.partnership_decline(request_id=request.id, reseller=reseller, actor=reseller_admin)
    new = partnership_services.partnership_request_resend(request=request, actor=provider_admin)
    request.refresh_from_db()
    assert request.status == LinkStatus.PENDING and request.answered_at is None and request.answered_by is None
    assert partnership_selectors.partnership_request_by_token(new).pk == request.pk


def test_partnership_send_records_the_sender(provider, provider_admin):
    request, raw = _partnership(provider, provider_admin, email="anna@fabrikam.example")
    link = "http://testserver" + partnership_services.partnership_path(raw)
    partnership_services.partnership_request_send(request=request, actor=provider_admin, raw_token=raw,
                                                  subject="Hello", body=link, link=link)
    request.refresh_from_db()
    assert request.sent_by == provider_admin and request.sent_at is not None


# --- The email guard, in one copy -----------------------------------------------------------------


def _long_after_normalising() -> str:
    # 233 characters as typed; NFKC turns each "ﬀ" into "ff", so 265 once normalised (still < 320,
    # which validate_email allows).
    address = "ﬀ" * 32 + "@" + ".".join(["b" * 60, "c" * 60, "d" * 60, "e" * 17])
    assert len(address) <= 254 < len(address.replace("ﬀ", "ff"))
    return address


def test_partnership_email_over_254_characters_after_normalising_is_refused(provider, provider_admin):
    with pytest.raises(DomainError) as info:
        _partnership(provider, provider_admin, email=_long_after_normalising())
    assert info.value.field == "email"
    assert not PartnershipRequest.objects.exists()


def test_relationship_email_over_254_characters_after_normalising_is_refused(partner, partner_admin):
    with pytest.raises(DomainError) as info:
        _relationship(partner, partner_admin, customer_email=_long_after_normalising())
    assert info.value.field == "customer_email"
    assert not RelationshipRequest.objects.exists()


# --- Mail in the recipient's language -------------------------------------------------------------


def test_relationship_mail_is_filed_in_the_recipients_language_not_the_threads(partner, partner_admin):
    member(PartnerFactory(), email="mike@adatum.example", language="de")
    request, raw = _relationship(partner, partner_admin, customer_email="mike@adatum.example")
    link = "http://testserver" + invitation_services.acceptance_path(raw)
    with translation.override("hu"):
        invitation_services.invitation_send(request=request, actor=partner_admin, raw_token=raw, subject="Hi",
                                            body=link, link=link)
    assert OutboxEmail.objects.get(kind="relationship_request").language == "de"


def test_partnership_mail_to_an_unknown_address_is_filed_in_the_drafts_language(provider, provider_admin):
    request, raw = _partnership(provider, provider_admin, email="new@fabrikam.example")
    link = "http://testserver" + partnership_services.partnership_path(raw)
    with translation.override("hu"):
        partnership_services.partnership_request_send(request=request, actor=provider_admin, raw_token=raw,
                                                      subject="Hello", body=link, link=link)
    assert OutboxEmail.objects.get(kind="partnership_request").language == django_settings.LANGUAGE_CODE
    OutboxEmail.objects.all().delete()
    request, raw = _partnership(provider, provider_admin, email="other@fabrikam.example")
    link = "http://testserver" + partnership_services.partnership_path(raw)
    partnership_services.partnership_request_send(request=request, actor=provider_admin, raw_token=raw,
                                                  subject="Hello", body=link, link=link, draft_language="de")
    assert OutboxEmail.objects.get(kind="partnership_request").language == "de"


# --- Migrations keep existing data ----------------------------------------------------------------

OLD = [("invitations", "0003_relationshiprequest_reissued_at"), ("resellers", "0002_partnershiprequest_reissued_at")]


def test_migrating_the_old_schema_keeps_the_data_of_both_kinds(partner, partner_admin, provider, provider_admin):
    now = timezone.now()
    executor = MigrationExecutor(connection)
    executor.migrate(OLD)
    try:
        old = executor.loader.project_state(OLD).apps
        OldRelationship = old.get_model("invitations", "RelationshipRequest")
        OldPartnership = old.get_model("resellers", "PartnershipRequest")
        common = {"token_last4": "abcd", "expires_at": now + timedelta(days=3)}
        OldRelationship.objects.create(partner_id=partner.id, created_by_id=partner_admin.id,
                                       customer_email="mike@adatum.example", token_digest=token_digest("r-declined"),
                                       status="declined", declined_at=now - timedelta(hours=2), **common)
        OldRelationship.objects.create(partner_id=partner.id, customer_email="", token_digest=token_digest("r-ok"),
                                       status="accepted", accepted_at=now - timedelta(hours=1), **common)
        OldPartnership.objects.create(provider_id=provider.id, created_by_id=provider_admin.id, email="a@b.example",
                                      token_digest=token_digest("p-revoked"), status="revoked",
                                      answered_at=now - timedelta(hours=3), **common)
        OldPartnership.objects.create(provider_id=provider.id, token_digest=token_digest("p-declined"),
                                      status="declined", answered_at=now - timedelta(hours=4), **common)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    declined = RelationshipRequest.objects.get(token_digest=token_digest("r-declined"))
    assert declined.email == "mike@adatum.example" and declined.created_by == partner_admin
    assert declined.answered_at == now - timedelta(hours=2) and declined.status == LinkStatus.DECLINED
    accepted = RelationshipRequest.objects.get(token_digest=token_digest("r-ok"))
    assert accepted.answered_at == now - timedelta(hours=1)
    revoked = PartnershipRequest.objects.get(token_digest=token_digest("p-revoked"))
    assert revoked.revoked_at == now - timedelta(hours=3) and revoked.answered_at is None
    assert revoked.email == "a@b.example" and revoked.updated_at is not None
    assert PartnershipRequest.objects.get(token_digest=token_digest("p-declined")).answered_at == now - timedelta(
        hours=4)
    # The one-pending-per-email rule holds on the renamed column.
    RelationshipRequest.objects.filter(pk=declined.pk).update(status="pending")
    with pytest.raises(IntegrityError), transaction.atomic():
        RelationshipRequest.objects.create(partner=partner, email="mike@adatum.example", token_digest="x" * 64,
                                           token_last4="xxxx", expires_at=now + timedelta(days=1))
