"""Partner Center REST v1 customers (api.rest.customers): the list with seek paging by
MS-ContinuationToken and its filter, one customer, Add customer (POST) and removing the reseller
relationship (PATCH relationshipToPartner none); scopes, roles and other partners' ids."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.rest.serializers_customers import CreatedCustomerSerializer, CustomerCollectionSerializer, CustomerSerializer
from customers import selectors as customer_selectors
from customers.models import RelationshipStatus, ResellerAssociation, ResellerRelationship
from customers.services import dap_grant, reseller_association_ensure, reseller_relationship_ensure
from partnercenter.models import Tenant, User
from partnercenter.roles import Role
from resellers.models import IndirectPartnership
from tests.api_support import READ_SCOPES, api_client
from tests.factories import PartnerFactory, TenantFactory
from tests.test_relationship_remove import buy, ready

pytestmark = pytest.mark.django_db

URL = "/v1/customers"


def customers_of(partner, count: int, prefix: str = "Kunde") -> list[Tenant]:
    made = []
    for n in range(count):
        customer = TenantFactory(name=f"{prefix} {n:03d} GmbH")
        reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
        made.append(customer)
    return made


def assert_rest_error(response, status: int, name: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "description", "data", "source", "errorName"} and body["errorName"] == name
    assert isinstance(body["code"], int) and body["description"]
    return body


def test_the_list_is_a_collection_of_customers_in_name_order(partner):
    made = customers_of(partner, 3)
    dap_grant(partner=partner, customer=made[1], services=["productivity"], reassign=False, actor=None)
    customers_of(PartnerFactory(), 2, prefix="Fremd")  # another partner's customers are not listed
    client, _app = api_client(partner)
    response = client.get(URL, headers={"MS-RequestId": "r-7"})
    assert response.status_code == 200 and response["MS-RequestId"] == "r-7"
    body = response.json()
    assert CustomerCollectionSerializer(data=body).is_valid(), body
    assert body["totalCount"] == 3 and body["attributes"] == {"objectType": "Collection"}
    assert "next" not in body["links"] and body["links"]["self"]["uri"] == URL
    assert [item["companyProfile"]["companyName"] for item in body["items"]] == [c.name for c in made]
    first = body["items"][0]
    assert first["id"] == first["commerceId"] == first["companyProfile"]["tenantId"] == str(made[0].id)
    assert first["companyProfile"]["domain"] == made[0].primary_domain
    assert first["relationshipToPartner"] == "reseller" and first["associatedPartnerId"] is None
    assert first["links"]["self"] == {"uri": f"{URL}/{made[0].id}", "method": "GET", "headers": []}
    assert first["attributes"] == {"objectType": "Customer"} and "billingProfile" not in first
    assert [item["allowDelegatedAccess"] for item in body["items"]] == [False, True, False]


def follow_pages(client, first_url: str, *, via_query: bool = False) -> tuple[list[dict], list[int]]:
    """Every page from first_url on, following links.next; the items and the queries per page."""
    items, queries, url, headers = [], [], first_url, {}
    while True:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["totalCount"] == len(body["items"])
        items += body["items"]
        queries.append(len(ctx.captured_queries))
        following = body["links"].get("next")
        if following is None:
            return items, queries
        assert following["method"] == "GET" and following["headers"][0]["key"] == "MS-ContinuationToken"
        token = following["headers"][0]["value"]
        if via_query:
            url, headers = f"{following['uri']}&continuationToken={quote(token)}", {}
        else:
            url, headers = following["uri"], {"MS-ContinuationToken": token}


def test_paging_by_continuation_token_lists_everyone_once_at_a_constant_query_count(partner):
    made = customers_of(partner, 23)
    client, _app = api_client(partner)
    client.get(URL)  # the app's last use is written on its first call (at most once a minute)
    items, queries = follow_pages(client, f"{URL}?size=5")
    assert [item["id"] for item in items] == [str(c.id) for c in made]  # all, in order, none twice
    assert len(queries) == 5 and len(set(queries)) == 1, queries  # page 1 costs what page 5 does
    again, _queries = follow_pages(client, f"{URL}?size=5", via_query=True)
    assert again == items


def test_the_filter_searches_and_stays_with_the_continuation_token(partner):
    wanted = customers_of(partner, 7, prefix="Harbor")
    customers_of(partner, 5, prefix="Other")
    client, _app = api_client(partner)
    expression = quote(json.dumps({"Field": "CompanyName", "Value": "harbor", "Operator": "starts_with"}))
    items, _queries = follow_pages(client, f"{URL}?size=3&filter={expression}")
    assert [item["id"] for item in items] == [str(c.id) for c in wanted]
    by_domain = quote(json.dumps({"Field": "Domain", "Value": wanted[2].primary_domain, "Operator": "starts_with"}))
    assert [i["id"] for i in client.get(f"{URL}?filter={by_domain}").json()["items"]] == [str(wanted[2].id)]


def test_the_answers_carry_the_lists_rows_in_order_and_one_relationship_with_its_profile(provider, reseller):
    IndirectPartnership.objects.create(provider=provider, reseller=reseller)
    served, own = customers_of(provider, 2, prefix="Served")
    reseller_relationship_ensure(partner=reseller, customer=served, actor=None)
    reseller_association_ensure(customer=served, reseller=reseller, provider=provider, actor=None)
    client, _app = api_client(provider)
    page = customer_selectors.customers_page(partner=provider, reseller_ids=True)
    listed = client.get(URL).json()["items"]
    assert [(item["id"], item["companyProfile"]["companyName"], item["attributes"]["objectType"]) for item in listed] \
        == [(str(row.customer_id), row.customer.name, "Customer") for row in page.rows]
    assert listed[0]["associatedPartnerId"] == str(reseller.id) and listed[1]["associatedPartnerId"] is None
    # The API's page leaves out the reseller's "Name (MPN ID)" it does not answer with; the list shows it.
    lean = customer_selectors.customers_page(partner=provider, reseller_ids=True, reseller_names=False).rows
    assert [(row.indirect_reseller, row.indirect_reseller_id) for row in lean] == [("", reseller.id), ("", None)]
    assert page.rows[0].indirect_reseller == f"{reseller.name} ({reseller.mpn_id})"
    one = customer_selectors.customer_for_partner(partner=provider, customer_id=own.id, reseller_ids=True)
    body = client.get(f"{URL}/{own.id}").json()
    assert (body["id"], body["companyProfile"]["companyName"]) == (str(one.customer_id), one.customer.name)
    assert {"address", "email"} <= set(body["companyProfile"]) and "billingProfile" in body
    assert not {"address", "email"} & set(listed[1]["companyProfile"]) and "billingProfile" not in listed[1]


def test_starts_with_matches_the_start_of_the_name_or_domain_only_unlike_the_pages_search(partner):
    harbor = TenantFactory(name="Harbor Light GmbH", primary_domain="harborlight.example")
    inside = TenantFactory(name="Old Harbor AG", primary_domain="oldharbor.example")
    percent = TenantFactory(name="100% Cloud KG", primary_domain="hundred.example")
    for customer in (harbor, inside, percent):
        reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    client, _app = api_client(partner)

    def listed(field: str, value: str) -> list[str]:
        expression = quote(json.dumps({"Field": field, "Value": value, "Operator": "starts_with"}))
        response = client.get(f"{URL}?filter={expression}")
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert listed("CompanyName", "HARBOR") == [str(harbor.id)]  # not "Old Harbor AG": a prefix, any case
    assert listed("Domain", "harbor") == [str(harbor.id)]  # not oldharbor.example
    assert listed("CompanyName", "Old H") == [str(inside.id)]
    assert listed("CompanyName", "%") == [] and listed("CompanyName", "100%") == [str(percent.id)]  # literal
    # The Customers page's search is unchanged: a part of the name or domain.
    page = customer_selectors.customers_page(partner=partner, search="harbor")
    assert {row.customer_id for row in page.rows} == {harbor.id, inside.id}


@pytest.mark.parametrize("expression", [
    "{not json", "[1, 2]", json.dumps({"Field": "Country", "Value": "DE", "Operator": "starts_with"}),
    json.dumps({"Field": "CompanyName", "Value": "x", "Operator": "equals"}), json.dumps({"Field": "CompanyName"}),
    json.dumps({"Field": "IndirectReseller", "Value": "1234567", "Operator": "starts_with"}),
])
def test_a_malformed_filter_is_a_400_that_says_so(partner, expression):
    client, _app = api_client(partner)
    body = assert_rest_error(client.get(f"{URL}?filter={quote(expression)}"), 400, "invalid")
    assert body["data"] and all(item["field"].startswith("filter") for item in body["data"])


@pytest.mark.parametrize("query", ["size=0", "size=501", "size=abc", "continuationToken=bm90LWEtdG9rZW4",
                                   "continuationToken=%25%25%25"])
def test_a_bad_size_or_continuation_token_is_a_400(partner, query):
    customers_of(partner, 1)
    client, _app = api_client(partner)
    assert_rest_error(client.get(f"{URL}?{query}"), 400, "invalid")
    assert_rest_error(client.get(URL, headers={"MS-ContinuationToken": "eyJjIjoiZ2FyYmFnZSJ9"}), 400, "invalid")


def test_the_channel_filters_of_a_provider_and_of_a_reseller(provider, reseller):
    IndirectPartnership.objects.create(provider=provider, reseller=reseller)
    served, own = customers_of(provider, 2, prefix="Served"), customers_of(provider, 2, prefix="Own")
    for customer in served:
        reseller_relationship_ensure(partner=reseller, customer=customer, actor=None)
        reseller_association_ensure(customer=customer, reseller=reseller, provider=provider, actor=None)
    client, _app = api_client(provider)
    expression = quote(json.dumps({"Field": "IndirectReseller", "Value": reseller.mpn_id, "Operator": "starts_with"}))
    body = client.get(f"{URL}?filter={expression}").json()
    assert [item["id"] for item in body["items"]] == [str(c.id) for c in served]
    assert {item["associatedPartnerId"] for item in body["items"]} == {str(reseller.id)}
    everyone = {item["id"]: item["associatedPartnerId"] for item in client.get(URL).json()["items"]}
    assert everyone[str(own[0].id)] is None and everyone[str(served[0].id)] == str(reseller.id)
    assert client.get(f"{URL}/{served[1].id}").json()["associatedPartnerId"] == str(reseller.id)
    assert client.get(f"{URL}/{own[1].id}").json()["associatedPartnerId"] is None
    reseller_client, _app = api_client(reseller)
    reseller_relationship_ensure(partner=reseller, customer=TenantFactory(name="Direct of reseller"), actor=None)
    expression = quote(json.dumps({"Field": "IndirectCloudSolutionProvider", "Value": str(provider.id),
                                   "Operator": "starts_with"}))
    body = reseller_client.get(f"{URL}?filter={expression}").json()
    assert [item["id"] for item in body["items"]] == [str(c.id) for c in served]


def test_one_customer_with_its_profiles_and_other_partners_ids_are_404(partner, customer):
    customer.address_line1, customer.city, customer.contact_email = "Hauptstr. 1", "Berlin", "it@adatum.example"
    customer.save()
    ready(partner, customer)
    client, _app = api_client(partner)
    body = client.get(f"{URL}/{customer.id}").json()
    assert CustomerSerializer(data=body).is_valid(), body
    assert body["billingProfile"]["defaultAddress"]["city"] == "Berlin"
    assert body["billingProfile"]["email"] == body["companyProfile"]["email"] == "it@adatum.example"
    assert body["billingProfile"]["companyName"] == "Adatum AG"
    foreign = customers_of(PartnerFactory(), 1)[0]
    for target in (foreign.id, "not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        assert_rest_error(client.get(f"{URL}/{target}"), 404, "not_found")
        assert_rest_error(client.patch(f"{URL}/{target}", {"relationshipToPartner": "none"},
                                       content_type="application/json"), 404, "not_found")
    assert ResellerRelationship.objects.filter(customer=foreign, status=RelationshipStatus.ACTIVE).exists()


def new_customer(domain: str = "neukunde.example", **extra) -> dict:
    return {"companyProfile": {"domain": domain},
            "billingProfile": {"email": "anna@neukunde.example", "culture": "de-DE", "language": "de",
                               "companyName": "Neukunde GmbH", "firstName": "Anna", "lastName": "Berg",
                               "defaultAddress": {"country": "DE", "city": "Köln", "addressLine1": "Ring 2",
                                                  "postalCode": "50667"}},
            **extra}


def test_post_adds_the_customer_with_a_global_admin_and_its_temporary_password(partner):
    client, _app = api_client(partner)
    response = client.post(URL, new_customer(), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert CreatedCustomerSerializer(data=body).is_valid(), body
    assert response["Location"] == f"{URL}/{body['id']}"
    customer = Tenant.objects.get(id=body["id"])
    assert (customer.name, customer.city, customer.contact_first_name) == ("Neukunde GmbH", "Köln", "Anna")
    assert body["userCredentials"]["userName"] == "admin@neukunde.example"
    admin = User.objects.get(email="admin@neukunde.example")
    assert admin.check_password(body["userCredentials"]["password"]) and admin.must_change_password
    assert body["relationshipToPartner"] == "reseller" and body["allowDelegatedAccess"] is True
    assert client.get(f"{URL}/{body['id']}").status_code == 200
    sales, _app = api_client(partner, roles=[Role.SALES_AGENT])  # a Sales agent's app adds without admin permissions
    added = sales.post(URL, new_customer("verkauf.example"), content_type="application/json")
    assert added.status_code == 201 and added.json()["allowDelegatedAccess"] is False


def test_post_refusals_duplicate_domain_bad_body_and_foreign_reseller(partner, provider):
    client, _app = api_client(partner)
    assert client.post(URL, new_customer(), content_type="application/json").status_code == 201
    body = assert_rest_error(client.post(URL, new_customer(), content_type="application/json"), 409, "conflict")
    assert body["data"][0]["field"] == "companyProfile.domain"
    bad = new_customer("other.example")
    del bad["billingProfile"]["culture"]
    bad["billingProfile"]["defaultAddress"]["country"] = "XX"
    body = assert_rest_error(client.post(URL, bad, content_type="application/json"), 400, "invalid")
    assert {item["field"] for item in body["data"]} == {"billingProfile.culture", "billingProfile.defaultAddress.country"}
    assert_rest_error(client.post(URL, "[]", content_type="application/json"), 400, "invalid")
    provider_client, _app = api_client(provider)
    foreign = PartnerFactory(partner_type="indirect_reseller")
    body = assert_rest_error(provider_client.post(URL, new_customer("p.example", associatedPartnerId=str(foreign.id)),
                                                  content_type="application/json"), 400, "invalid")
    assert body["data"][0]["field"] == "associatedPartnerId"
    assert not Tenant.objects.filter(primary_domain="p.example").exists()


def test_a_provider_adds_a_customer_for_its_reseller(provider, reseller):
    IndirectPartnership.objects.create(provider=provider, reseller=reseller)
    client, _app = api_client(provider)
    body = client.post(URL, new_customer("fuer-reseller.example", associatedPartnerId=str(reseller.id)),
                       content_type="application/json").json()
    assert body["associatedPartnerId"] == str(reseller.id)
    assert ResellerAssociation.objects.filter(customer_id=body["id"], reseller=reseller, provider=provider).exists()


def test_an_idempotency_key_replays_the_customer_without_storing_the_password(partner):
    client, _app = api_client(partner)
    headers = {"Idempotency-Key": "add-1"}
    first = client.post(URL, new_customer(), content_type="application/json", headers=headers)
    again = client.post(URL, new_customer(), content_type="application/json", headers=headers)
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"] and first.json()["userCredentials"]["password"]
    assert again.json()["userCredentials"] == {"userName": "admin@neukunde.example", "password": None}
    assert Tenant.objects.filter(primary_domain="neukunde.example").count() == 1
    from api.models import IdempotentResponse

    assert first.json()["userCredentials"]["password"].encode() not in bytes(IdempotentResponse.objects.get().body)


def test_scopes_and_roles_bound_the_writes(partner, customer):
    ready(partner, customer)
    read_only, _app = api_client(partner, scopes=READ_SCOPES)
    assert read_only.get(URL).status_code == 200
    assert_rest_error(read_only.post(URL, new_customer(), content_type="application/json"), 403, "insufficient_scope")
    assert_rest_error(read_only.patch(f"{URL}/{customer.id}", {"relationshipToPartner": "none"},
                                      content_type="application/json"), 403, "insufficient_scope")
    helpdesk, _app = api_client(partner, roles=[Role.HELPDESK_AGENT])
    assert helpdesk.get(URL).status_code == 200
    assert_rest_error(helpdesk.post(URL, new_customer(), content_type="application/json"), 403, "forbidden")
    billing, _app = api_client(partner, roles=[Role.BILLING_ADMIN])
    assert_rest_error(billing.patch(f"{URL}/{customer.id}", {"relationshipToPartner": "none"},
                                    content_type="application/json"), 403, "forbidden")
    assert not Tenant.objects.filter(primary_domain="neukunde.example").exists()
    assert ResellerRelationship.objects.filter(customer=customer, status=RelationshipStatus.ACTIVE).exists()


def test_patch_none_removes_the_reseller_relationship_after_its_prerequisites(partner, customer):
    ready(partner, customer)
    client, app = api_client(partner)
    subscription = buy(partner, customer, app.created_by)
    patch = {"relationshipToPartner": "none", "attributes": {"objectType": "Customer"}}
    body = assert_rest_error(client.patch(f"{URL}/{customer.id}", patch, content_type="application/json"),
                             409, "blocked")
    assert "subscriptions" in body["description"]
    for other in ({"relationshipToPartner": "reseller"}, {"relationshipToPartner": "none", "companyProfile": {}},
                  {"relationshipToPartner": "none", "attributes": {"objectType": "Order"}}, {}):
        assert_rest_error(client.patch(f"{URL}/{customer.id}", other, content_type="application/json"), 400,
                          "invalid")
    subscription.status = "suspended"
    subscription.save()
    response = client.patch(f"{URL}/{customer.id}", patch, content_type="application/json")
    assert response.status_code == 200, response.content
    assert CustomerSerializer(data=response.json()).is_valid()
    assert response.json()["relationshipToPartner"] == "none"
    assert ResellerRelationship.objects.get(customer=customer, partner=partner).status == RelationshipStatus.REMOVED
    assert_rest_error(client.get(f"{URL}/{customer.id}"), 404, "not_found")
    assert_rest_error(client.patch(f"{URL}/{customer.id}", patch, content_type="application/json"), 409,
                      "already_removed")
