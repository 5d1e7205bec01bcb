"""F11 company profile (view for all partner users, edit for Global admins) and F14 activity log."""

from __future__ import annotations

import pytest

from invitations import services as invitation_services
from partnercenter.models import ActivityKind, ActivityLog
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.ADMIN_AGENT, Role.SALES_AGENT, Role.HELPDESK_AGENT, Role.BILLING_ADMIN])
def test_every_partner_role_sees_the_profile_but_only_global_admin_edits(partner, role):
    client = client_for(member(partner, role))
    response = client.get("/company-profile/")
    assert response.status_code == 200 and partner.profile.legal_name in response.content.decode()
    assert ">Edit<" not in response.content.decode()
    assert client.post("/company-profile/edit/", {"legal_name": "Hacked"}).status_code == 403
    partner.profile.refresh_from_db()
    assert partner.profile.legal_name != "Hacked"


def test_profile_edit_is_logged(partner, partner_admin):
    data = {"legal_name": "Contoso Cloud Deutschland GmbH", "phone": "", "support_email": "", "website": "",
            "address_line1": "", "address_line2": "", "city": "", "postal_code": "", "country": "DE"}
    client_for(partner_admin).post("/company-profile/edit/", data)
    entry = ActivityLog.objects.get(tenant=partner, kind=ActivityKind.PROFILE_UPDATED)
    assert entry.actor == partner_admin and "legal_name" in entry.data["fields"]


def test_activity_log_lists_own_entries_newest_first_filterable(partner, partner_admin):
    request, _raw = invitation_services.invitation_create(partner=partner, actor=partner_admin, include_dap=False)
    invitation_services.invitation_revoke(request=request, actor=partner_admin)
    other = PartnerFactory()
    invitation_services.invitation_create(partner=other, actor=member(other, Role.GLOBAL_ADMIN), include_dap=False)
    client = client_for(partner_admin)
    entries = [e for e, _text in client.get("/activity/").context["entries"]]
    assert [e.kind for e in entries][:2] == [ActivityKind.REQUEST_REVOKED, ActivityKind.REQUEST_CREATED]
    assert all(e.tenant_id == partner.id for e in entries)
    filtered = [e for e, _t in client.get("/activity/", {"kind": ActivityKind.REQUEST_REVOKED}).context["entries"]]
    assert [e.kind for e in filtered] == [ActivityKind.REQUEST_REVOKED]
    csv_text = b"".join(client.get("/activity/", {"format": "csv"}).streaming_content).decode()
    assert "request.revoked" in csv_text and csv_text.count("\n") == len(entries) + 1


def test_activity_entries_record_actor_and_address(partner, partner_admin):
    client_for(partner_admin).post("/customers/request-relationship/", {}, REMOTE_ADDR="203.0.113.7")
    entry = ActivityLog.objects.get(tenant=partner, kind=ActivityKind.REQUEST_CREATED)
    assert entry.actor_email == partner_admin.email and entry.ip_address == "203.0.113.7"


def test_sales_agent_has_no_activity_log(partner):
    assert client_for(member(partner, Role.SALES_AGENT)).get("/activity/").status_code == 403


def test_activity_filters_by_actor_customer_and_date(partner, partner_admin):
    from datetime import timedelta

    from django.utils import timezone

    from customers.services import reseller_relationship_ensure
    from tests.factories import TenantFactory

    agent = member(partner, Role.ADMIN_AGENT, email="agent@contoso.example")
    invitation_services.invitation_create(partner=partner, actor=agent, include_dap=False)
    reseller_relationship_ensure(partner=partner, customer=TenantFactory(name="Adatum AG"), actor=partner_admin)
    client = client_for(partner_admin)

    def kinds(**params):  # noqa: ANN003, ANN202
        return [e.kind for e, _t in client.get("/activity/", params).context["entries"]]

    assert kinds(actor="agent@") == [ActivityKind.REQUEST_CREATED]
    assert kinds(customer="adatum") == [ActivityKind.RELATIONSHIP_CREATED]
    today = timezone.localdate()
    assert len(kinds(date_from=today.isoformat(), date_to=today.isoformat())) == 2
    assert kinds(date_to=(today - timedelta(days=1)).isoformat()) == []
    response = client.get("/activity/", {"date_from": "not-a-date"})
    assert response.status_code == 200 and "date_from" in response.context["form"].errors
