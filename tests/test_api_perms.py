"""An API app acts with its own roles everywhere: at the route (api.permissions) and in the services'
own checks, which ask partnercenter.selectors.permissions_of / roles_of about the registrant while
api.auth's acting_app says which app is being served. HEAD is a GET; OPTIONS needs a valid token only."""

from __future__ import annotations

import pytest
from django.test import Client

from invitations.models import RelationshipRequest
from members.rules import roles_grantable
from partnercenter.errors import Code
from partnercenter.models import Membership
from partnercenter.roles import ROLE_PERMISSIONS, Role, permissions_for
from partnercenter.selectors import ActingApp, acting_app, permissions_of, roles_of
from tests.api_support import api_app, bearer_client, token_for
from tests.factories import PartnerFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api_perms_urls")]

ACTIVITY, DAP_REQUEST = "/api-perms/activity/", "/api-perms/dap-request/"


def _client(partner, registrant, roles, scopes=("customers.write", "relationships.write")):  # noqa: ANN001, ANN202
    return bearer_client(token_for(*api_app(partner, registrant=registrant, roles=roles, scopes=scopes)))


def test_the_service_refuses_a_sales_agent_app_what_its_global_admin_registrant_may(partner):
    admin = member(partner, Role.GLOBAL_ADMIN)
    sales = _client(partner, admin, [Role.SALES_AGENT])
    refused = sales.post(DAP_REQUEST, {}, content_type="application/json")
    assert refused.status_code == 403, refused.content
    body = refused.json()
    assert body["errorName"] == Code.FORBIDDEN and set(body) >= {"code", "description", "data", "source"}
    assert "without admin permissions" in body["description"]
    assert not RelationshipRequest.objects.filter(partner=partner).exists()

    agent = _client(partner, admin, [Role.ADMIN_AGENT])
    made = agent.post(DAP_REQUEST, {}, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["dap"] is True
    assert RelationshipRequest.objects.filter(partner=partner, include_dap=True).count() == 1
    assert acting_app.get() is None  # the call's app context ended with it


def test_permissions_of_and_roles_of_answer_with_the_apps_roles_while_it_is_served(partner):
    admin = member(partner, Role.GLOBAL_ADMIN)
    colleague = member(partner, Role.GLOBAL_ADMIN)
    elsewhere = PartnerFactory()
    member_in_other = member(elsewhere, Role.GLOBAL_ADMIN)
    Membership.objects.create(user=admin, tenant=elsewhere, role=Role.GLOBAL_ADMIN)
    everything = permissions_for([Role.GLOBAL_ADMIN], partner.partner_type)
    assert permissions_of(user=admin, tenant=partner) == everything

    sales = frozenset({Role.SALES_AGENT})
    reset = acting_app.set(ActingApp(user_id=admin.pk, tenant_id=partner.pk, roles=sales,
                                     perms=permissions_for(sales, partner.partner_type)))
    try:
        assert permissions_of(user=admin, tenant=partner) == ROLE_PERMISSIONS[Role.SALES_AGENT]
        assert roles_of(user=admin, tenant=partner) == sales
        # The app is its partner's only: the registrant's roles in another tenant do not come with it.
        assert permissions_of(user=admin, tenant=elsewhere) == frozenset()
        assert roles_of(user=admin, tenant=elsewhere) == frozenset()
        # Other users keep their own roles.
        assert permissions_of(user=colleague, tenant=partner) == everything
        assert permissions_of(user=member_in_other, tenant=elsewhere) == permissions_for(
            [Role.GLOBAL_ADMIN], elsewhere.partner_type)
    finally:
        acting_app.reset(reset)
    assert permissions_of(user=admin, tenant=partner) == everything
    assert permissions_of(user=admin, tenant=elsewhere) == permissions_for([Role.GLOBAL_ADMIN], elsewhere.partner_type)


def test_roles_grantable_is_bounded_by_the_apps_roles_while_it_is_served(partner):
    admin = member(partner, Role.GLOBAL_ADMIN)
    assert Role.GLOBAL_ADMIN in roles_grantable(admin, partner)
    agent_roles = frozenset({Role.ADMIN_AGENT})
    reset = acting_app.set(ActingApp(user_id=admin.pk, tenant_id=partner.pk, roles=agent_roles,
                                     perms=permissions_for(agent_roles, partner.partner_type)))
    try:
        assert roles_grantable(admin, partner) == {Role.ADMIN_AGENT, Role.SALES_AGENT, Role.HELPDESK_AGENT,
                                                   Role.BILLING_ADMIN}
    finally:
        acting_app.reset(reset)
    assert Role.GLOBAL_ADMIN in roles_grantable(admin, partner)


def test_head_is_a_get_with_gets_scope_and_permission(partner):
    admin = member(partner, Role.GLOBAL_ADMIN)
    billing = _client(partner, admin, [Role.BILLING_ADMIN], scopes=["customers.read"])
    head = billing.head(ACTIVITY)
    assert head.status_code == 200
    assert billing.get(ACTIVITY).json() == {"roles": ["billing_admin"]}

    sales = _client(partner, admin, [Role.SALES_AGENT], scopes=["customers.read"])  # no activity.view
    assert sales.head(ACTIVITY).status_code == 403
    assert sales.get(ACTIVITY).json()["errorName"] == Code.FORBIDDEN

    other_area = _client(partner, admin, [Role.GLOBAL_ADMIN], scopes=["relationships.write"])
    assert other_area.head(ACTIVITY).status_code == 403
    assert other_area.get(ACTIVITY).json()["errorName"] == "insufficient_scope"
    assert Client().head(ACTIVITY).status_code == 401


def test_options_needs_a_valid_token_only_and_answers_drfs_metadata(partner):
    admin = member(partner, Role.GLOBAL_ADMIN)
    # Neither the area's scope nor a role with the route's permission.
    client = _client(partner, admin, [Role.SALES_AGENT], scopes=["relationships.read"])
    answer = client.options(ACTIVITY)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["name"] == "Activity Probe" and "application/json" in body["renders"]
    assert "application/json" in body["parses"]
    assert "GET" in answer["Allow"] and "OPTIONS" in answer["Allow"]
    for anonymous in (Client(), bearer_client("nonsense")):
        refused = anonymous.options(ACTIVITY)
        assert refused.status_code == 401 and refused.json()["errorName"] == "unauthenticated"
