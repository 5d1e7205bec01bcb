"""Partner Center REST v1 relationships (api.rest.relationships): the two-tier channel at
/v1/relationships and the reseller relationship link at /v1/customers/relationshiprequests."""

from __future__ import annotations

import pytest

from api.rest.serializers_customers import PartnerRelationshipCollectionSerializer, RelationshipRequestSerializer
from invitations.events import RequestEvents
from invitations.models import RelationshipRequest
from links.tokens import token_digest
from partnercenter.models import ActivityLog
from partnercenter.roles import Role
from resellers.models import IndirectPartnership
from tests.api_support import READ_SCOPES, api_client
from tests.factories import PartnerFactory
from tests.test_api_customers import assert_rest_error, follow_pages

pytestmark = pytest.mark.django_db

URL = "/v1/relationships"
LINK = "/v1/customers/relationshiprequests"


def test_a_reseller_lists_its_providers_and_a_provider_its_resellers(provider, reseller):
    IndirectPartnership.objects.create(provider=provider, reseller=reseller)
    other = PartnerFactory(name="Other Distribution", partner_type="indirect_provider", country="AT")
    IndirectPartnership.objects.create(provider=other, reseller=reseller)
    ended = PartnerFactory(name="Ended Reseller", partner_type="indirect_reseller")
    IndirectPartnership.objects.create(provider=provider, reseller=ended, status="removed")
    client, _app = api_client(reseller, roles=[Role.HELPDESK_AGENT])
    body = client.get(f"{URL}?relationship_type=IsIndirectCloudSolutionProviderOf").json()
    assert PartnerRelationshipCollectionSerializer(data=body).is_valid(), body
    assert body["totalCount"] == 2 and body["attributes"] == {"objectType": "Collection"}
    assert [item["name"] for item in body["items"]] == ["Fabrikam Kft.", "Other Distribution"]
    assert body["items"][0] == {"id": str(provider.id), "name": "Fabrikam Kft.",
                                "relationshipType": "is_indirect_cloud_solution_provider_of", "state": "active",
                                "mpnId": provider.mpn_id, "location": "HU",
                                "attributes": {"objectType": "PartnerRelationship"}}
    assert client.get(f"{URL}?relationship_type=IsIndirectResellerOf").json()["items"] == []
    provider_client, _app = api_client(provider)
    items = provider_client.get(f"{URL}?relationship_type=IsIndirectResellerOf").json()["items"]
    assert [(i["id"], i["relationshipType"]) for i in items] == [(str(reseller.id), "is_indirect_reseller_of")]


def test_a_direct_partner_has_none_and_a_missing_or_unknown_type_is_a_400(partner):
    client, _app = api_client(partner)
    assert client.get(f"{URL}?relationship_type=IsIndirectResellerOf").json()["totalCount"] == 0
    for query in ("", "?relationship_type=IsFriendOf"):
        response = client.get(f"{URL}{query}")
        assert response.status_code == 400 and response.json()["errorName"] == "invalid"
        assert response.json()["data"][0]["field"] == "relationship_type"


def test_the_relationships_scope_and_role_bound_the_list(provider):
    customers_only, _app = api_client(provider, scopes=["customers.write"])
    response = customers_only.get(f"{URL}?relationship_type=IsIndirectResellerOf")
    assert response.status_code == 403 and response.json()["errorName"] == "insufficient_scope"
    billing, _app = api_client(provider, roles=[Role.BILLING_ADMIN])  # no PARTNERSHIPS_VIEW
    response = billing.get(f"{URL}?relationship_type=IsIndirectResellerOf")
    assert response.status_code == 403 and response.json()["errorName"] == "forbidden"


def test_the_relationship_request_link_is_a_new_reusable_request_the_customer_can_open(partner, client):
    api, app = api_client(partner)
    response = api.get(LINK)
    assert response.status_code == 200, response.content
    body = response.json()
    assert RelationshipRequestSerializer(data=body).is_valid(), body
    assert body["attributes"] == {"objectType": "RelationshipRequest"}
    assert body["url"].startswith("http://testserver/")
    raw = body["url"].rstrip("/").rsplit("/", 1)[-1]
    request = RelationshipRequest.objects.get(token_digest=token_digest(raw))
    assert (request.partner, request.reusable, request.include_dap, request.email) == (partner, True, False, "")
    assert client.get(body["url"].removeprefix("http://testserver")).status_code == 200
    created = ActivityLog.objects.filter(tenant=partner, kind=RequestEvents.REQUEST_CREATED.value).get()
    assert created.actor_client == app.client_id
    with_dap = api.get(f"{LINK}?includeDelegatedAdminPrivileges=true").json()["url"]
    assert RelationshipRequest.objects.get(token_digest=token_digest(with_dap.rstrip("/").rsplit("/", 1)[-1])).include_dap


def test_the_link_needs_the_write_scope_and_a_role_that_may_request(partner):
    read_only, _app = api_client(partner, scopes=READ_SCOPES)
    response = read_only.get(LINK)
    assert response.status_code == 403 and response.json()["errorName"] == "insufficient_scope"
    helpdesk, _app = api_client(partner, roles=[Role.HELPDESK_AGENT])
    response = helpdesk.get(LINK)
    assert response.status_code == 403 and response.json()["errorName"] == "forbidden"
    sales, _app = api_client(partner, roles=[Role.SALES_AGENT])
    response = sales.get(f"{LINK}?includeDelegatedAdminPrivileges=true")  # a Sales agent may not ask for DAP
    assert response.status_code == 403 and response.json()["errorName"] == "forbidden"
    assert not RelationshipRequest.objects.exists()


def test_a_head_of_the_link_route_issues_no_link(partner):
    api, _app = api_client(partner)
    assert api.head(LINK).status_code == 405
    assert not RelationshipRequest.objects.exists()


def test_an_indirect_reseller_asks_together_with_one_of_its_providers(provider, reseller):
    IndirectPartnership.objects.create(provider=provider, reseller=reseller)
    client, _app = api_client(reseller)
    response = client.get(f"{LINK}?indirectProviderId={provider.mpn_id}")
    assert response.status_code == 200, response.content
    raw = response.json()["url"].rstrip("/").rsplit("/", 1)[-1]
    assert RelationshipRequest.objects.get(token_digest=token_digest(raw)).provider == provider
    stranger = PartnerFactory(partner_type="indirect_provider")
    response = client.get(f"{LINK}?indirectProviderId={stranger.id}")
    assert response.status_code == 400 and response.json()["data"][0]["field"] == "indirectProviderId"
    response = client.get(LINK)  # without a provider: the service's refusal, in shape
    assert response.status_code == 403 and response.json()["errorName"] == "forbidden"
    assert RelationshipRequest.objects.count() == 1


def test_the_channel_pages_by_continuation_token_in_name_order_without_duplicates_or_gaps(provider, reseller):
    names = ["Bravo Bt.", "Alpha Kft.", "Bravo Bt.", "Delta Zrt.", "Charlie Kft."]  # two of the same name
    resellers = [PartnerFactory(name=name, partner_type="indirect_reseller", country="HU") for name in names]
    partnerships = [IndirectPartnership.objects.create(provider=provider, reseller=other) for other in resellers]
    IndirectPartnership.objects.create(provider=PartnerFactory(partner_type="indirect_provider"), reseller=reseller)
    expected = [str(p.reseller_id) for p in sorted(partnerships, key=lambda p: (p.reseller.name, p.id))]
    client, _app = api_client(provider)
    first_url = f"{URL}?relationship_type=IsIndirectResellerOf&size=2"
    first = client.get(first_url).json()
    assert PartnerRelationshipCollectionSerializer(data=first).is_valid(), first
    assert first["links"]["self"]["uri"] == first_url and first["totalCount"] == 2
    assert first["links"]["next"]["uri"] == first_url
    items, queries = follow_pages(client, first_url)
    assert [item["id"] for item in items] == expected
    assert len(queries) == 3 and len(set(queries)) == 1, queries
    everyone = client.get(f"{URL}?relationship_type=IsIndirectResellerOf").json()
    assert "next" not in everyone["links"] and [item["id"] for item in everyone["items"]] == expected
    bad = client.get(f"{URL}?relationship_type=IsIndirectResellerOf", headers={"MS-ContinuationToken": "e30"})
    assert_rest_error(bad, 400, "invalid")
