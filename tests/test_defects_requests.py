"""Issue 8: drafts are POST, redirect, GET; a pending request is re-issued only after a confirmation;
the Relationship requests list (reusable links, filters, empty states, invalid dates)."""

from __future__ import annotations

import pytest

from invitations import services
from invitations.errors import PendingRequestExists
from invitations.models import RelationshipRequest
from partnercenter.models import ActivityKind, ActivityLog
from partnercenter.roles import Role
from resellers.models import IndirectPartnership, PartnershipRequest
from tests.conftest import client_for
from tests.factories import PartnerFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    return PartnerFactory(name="Fabrikam Kft.", partner_type="indirect_provider", country="HU")


@pytest.fixture
def reseller(provider):
    reseller = PartnerFactory(name="Tailspin Bt.", partner_type="indirect_reseller", country="HU")
    IndirectPartnership.objects.create(provider=provider, reseller=reseller)
    return reseller


def _link_in(html: str) -> str:
    import re

    return re.search(r'id="draft-link">([^<]+)<', html).group(1)


# --- POST, redirect, GET ------------------------------------------------------------------------


def test_relationship_draft_is_post_redirect_get(partner, partner_admin):
    client = client_for(partner_admin)
    response = client.post("/customers/request-relationship/", {"customer_email": "mike@adatum.example"})
    request = RelationshipRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/customers/requests/{request.id}/draft/"
    first = client.get(response["Location"])
    again = client.get(response["Location"])  # the refresh
    assert first.status_code == again.status_code == 200
    assert _link_in(first.content.decode()) == _link_in(again.content.decode())
    assert services.request_by_token(_link_in(first.content.decode()).rsplit("/", 2)[-2]).pk == request.pk
    assert RelationshipRequest.objects.count() == 1
    assert ActivityLog.objects.filter(tenant=partner, kind=ActivityKind.REQUEST_CREATED).count() == 1


def test_resend_is_post_redirect_get_too(partner, partner_admin):
    client = client_for(partner_admin)
    request, _raw = services.invitation_create(partner=partner, actor=partner_admin, include_dap=False)
    response = client.post(f"/customers/requests/{request.id}/resend/")
    assert response.status_code == 302 and response["Location"].endswith(f"/requests/{request.id}/draft/")
    digest = RelationshipRequest.objects.get().token_digest
    client.get(response["Location"])
    client.get(response["Location"])
    assert RelationshipRequest.objects.get().token_digest == digest  # refreshing issued nothing new


def test_draft_of_another_session_or_a_replaced_link_is_not_shown(partner, partner_admin):
    client = client_for(partner_admin)
    client.post("/customers/request-relationship/", {})
    request = RelationshipRequest.objects.get()
    other = client_for(member(partner, Role.GLOBAL_ADMIN))
    response = other.get(f"/customers/requests/{request.id}/draft/")
    assert response.status_code == 302 and response["Location"] == "/customers/requests/"
    services.invitation_resend(request=request, actor=partner_admin)  # elsewhere: the kept link died
    assert client.get(f"/customers/requests/{request.id}/draft/").status_code == 302
    foreign = PartnerFactory()
    foreign_request, _raw = services.invitation_create(partner=foreign, actor=member(foreign), include_dap=False)
    assert client.get(f"/customers/requests/{foreign_request.id}/draft/").status_code == 404


def test_partnership_draft_is_post_redirect_get(provider):
    admin = member(provider, Role.GLOBAL_ADMIN)
    client = client_for(admin)
    response = client.post("/resellers/request-partnership/", {"email": "anna@tailspin.example"})
    request = PartnershipRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/resellers/requests/{request.id}/draft/"
    first, again = client.get(response["Location"]), client.get(response["Location"])
    assert first.status_code == again.status_code == 200
    assert _link_in(first.content.decode()) == _link_in(again.content.decode())
    assert PartnershipRequest.objects.count() == 1
    response = client.post(f"/resellers/requests/{request.id}/resend/")
    assert response["Location"] == f"/resellers/requests/{request.id}/draft/"
    assert client.get(response["Location"]).status_code == 200 and PartnershipRequest.objects.count() == 1


def test_combined_invitation_draft_is_post_redirect_get(provider, reseller):
    client = client_for(member(reseller, Role.GLOBAL_ADMIN))
    response = client.post("/providers/invite/", {"provider": str(provider.id), "customer_email": "a@b.example"})
    request = RelationshipRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/customers/requests/{request.id}/draft/"
    assert client.get(response["Location"]).status_code == 200
    assert client.get(response["Location"]).status_code == 200 and RelationshipRequest.objects.count() == 1


# --- A new request to an email with a pending one ------------------------------------------------


def test_service_never_reissues_silently(partner, partner_admin):
    first, raw = services.invitation_create(partner=partner, actor=partner_admin, include_dap=True,
                                            customer_email="mike@adatum.example")
    with pytest.raises(PendingRequestExists) as info:
        services.invitation_create(partner=partner, actor=partner_admin, include_dap=False,
                                   customer_email="MIKE@adatum.example")
    assert info.value.existing.pk == first.pk
    assert services.request_by_token(raw).include_dap  # the mailed link still works, DAP unchanged


def test_new_request_to_a_pending_email_asks_first_then_reissues(partner, partner_admin):
    client = client_for(partner_admin)
    first, raw = services.invitation_create(partner=partner, actor=partner_admin, include_dap=True,
                                            customer_email="mike@adatum.example")
    data = {"customer_email": "mike@adatum.example"}  # include_dap unticked this time
    asked = client.post("/customers/request-relationship/", data)
    html = asked.content.decode()
    assert asked.status_code == 200
    assert "A pending request to mike@adatum.example exists already" in html
    assert "the link in the email already sent stops working" in html
    assert "Re-issue the request" in html and 'href="/customers/requests/"' in html  # confirm or cancel
    assert 'value="mike@adatum.example"' in html  # what was typed stays
    assert services.request_by_token(raw) is not None and RelationshipRequest.objects.get().include_dap
    assert not ActivityLog.objects.filter(kind=ActivityKind.REQUEST_RESENT).exists()
    assert f'name="reissue" value="{first.pk}"' in html  # the button confirms this very request
    confirmed = client.post("/customers/request-relationship/", {**data, "reissue": str(first.pk)})
    assert confirmed.status_code == 302
    row = RelationshipRequest.objects.get()
    assert row.pk == first.pk and not row.include_dap and row.reissued_at is not None
    assert services.request_by_token(raw) is None
    assert ActivityLog.objects.filter(tenant=partner, kind=ActivityKind.REQUEST_RESENT).count() == 1
    listing = client.get("/customers/requests/").content.decode()
    assert "Re-issued" in listing


def test_resend_shows_as_reissued_on_the_list(partner, partner_admin):
    request, _raw = services.invitation_create(partner=partner, actor=partner_admin, include_dap=False)
    client = client_for(partner_admin)
    assert "Re-issued" not in client.get("/customers/requests/").content.decode()
    services.invitation_resend(request=request, actor=partner_admin)
    assert "Re-issued" in client.get("/customers/requests/").content.decode()


def test_combined_invitation_asks_before_reissuing(provider, reseller):
    client = client_for(member(reseller, Role.GLOBAL_ADMIN))
    data = {"provider": str(provider.id), "customer_email": "a@b.example"}
    client.post("/providers/invite/", data)
    asked = client.post("/providers/invite/", data)
    assert asked.status_code == 200 and "Re-issue the request" in asked.content.decode()
    pending = RelationshipRequest.objects.get()
    assert client.post("/providers/invite/", {**data, "reissue": str(pending.pk)}).status_code == 302
    assert RelationshipRequest.objects.get().reissued_at is not None


# --- The Relationship requests list -----------------------------------------------------------------


def _accepted_by(request, *names):  # noqa: ANN001, ANN202
    from django.utils import timezone

    from invitations.models import Acceptance, AcceptanceStatus
    from tests.factories import TenantFactory

    for name in names:
        Acceptance.objects.create(request=request, customer=TenantFactory(name=name),
                                  status=AcceptanceStatus.SUCCEEDED, processed_at=timezone.now())
    RelationshipRequest.objects.filter(pk=request.pk).update(acceptance_count=len(names))


def test_reusable_link_names_who_accepted_and_links_to_all_of_them(partner, partner_admin):
    link, _raw = services.invitation_create(partner=partner, actor=partner_admin, include_dap=False, reusable=True)
    _accepted_by(link, "Adatum AG", "Kávé Kft.", "Northwind GmbH", "Fourth Ltd")
    client = client_for(partner_admin)
    html = client.get("/customers/requests/").content.decode()
    assert "Fourth Ltd" in html and "Northwind GmbH" in html  # the latest few by name
    assert f'href="/customers/requests/{link.id}/accepted/"' in html and "All 4 customers" in html
    page = client.get(f"/customers/requests/{link.id}/accepted/").content.decode()
    for name in ("Adatum AG", "Kávé Kft.", "Northwind GmbH", "Fourth Ltd"):
        assert name in page
    foreign = client_for(member(PartnerFactory(), Role.GLOBAL_ADMIN))
    assert foreign.get(f"/customers/requests/{link.id}/accepted/").status_code == 404


def test_accepted_filter_includes_reusable_links_with_acceptances(partner, partner_admin):
    from datetime import timedelta

    from django.utils import timezone

    used, _ = services.invitation_create(partner=partner, actor=partner_admin, include_dap=False, reusable=True)
    _accepted_by(used, "Adatum AG")
    unused, _ = services.invitation_create(partner=partner, actor=partner_admin, include_dap=False, reusable=True)
    late, _ = services.invitation_create(partner=partner, actor=partner_admin, include_dap=False,
                                         customer_email="late@adatum.example")
    RelationshipRequest.objects.filter(pk=late.pk).update(expires_at=timezone.now() - timedelta(days=1))
    client = client_for(partner_admin)

    def listed(status: str) -> set[int]:
        return {r.id for r in client.get("/customers/requests/", {"status": status}).context["rows"]}

    assert listed("accepted") == {used.id}
    assert listed("pending") == {used.id, unused.id}  # the expired one is shown as expired, not pending
    assert listed("expired") == {late.id}


def test_filtered_empty_lists_say_no_match_not_yet(partner, partner_admin):
    client = client_for(partner_admin)
    services.invitation_create(partner=partner, actor=partner_admin, include_dap=False)
    html = client.get("/customers/requests/", {"status": "declined"}).content.decode()
    assert "No requests match this filter." in html and "yet" not in html.split("<main", 1)[1]
    html = client.get("/activity/", {"kind": "order.placed"}).content.decode()
    assert "No entries match these filters." in html and "No activity yet." not in html
    assert "No activity yet." not in client.get("/activity/").content.decode()  # there is activity


def test_invalid_date_filter_is_a_message_beside_the_field(partner, partner_admin):
    client = client_for(partner_admin)
    services.invitation_create(partner=partner, actor=partner_admin, include_dap=False)
    response = client.get("/activity/", {"date_from": "2026-13-45", "actor": partner_admin.email})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-describedby="id_date_from_error"' in html and 'id="id_date_from_error"' in html
    assert "Enter a valid date." in html and response.context["entries"] == []  # not silently dropped
    assert f'value="{partner_admin.email}"' in html  # the other filters keep what was typed
    response = client.get("/activity/", {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert "id_date_to_error" in response.content.decode() and response.context["entries"] == []
    csv = client.get("/activity/", {"date_from": "2026-13-45", "format": "csv"})
    assert csv["Content-Type"].startswith("text/html") and "id_date_from_error" in csv.content.decode()
