"""Partner Center REST v1: POST /v1/customers/{id}/orders and GET the orders (api.rest.orders)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from api.errors import REST_CODES
from api.idempotency import purge_expired
from api.models import IdempotentResponse
from partnercenter.errors import Code
from partnercenter.roles import Role
from subscriptions.models import Order, Subscription
from subscriptions.rules import order_reseller_of_record
from tests.api_commerce_support import shop
from tests.api_support import READ_SCOPES, api_client
from tests.factories import PartnerFactory, member
from tests.test_api_customers import assert_rest_error, follow_pages

pytestmark = pytest.mark.django_db

ORDER_FIELDS = {"id", "referenceCustomerId", "billingCycle", "lineItems", "creationDate", "status", "links",
                "attributes"}
LINE_FIELDS = {"lineItemNumber", "offerId", "subscriptionId", "friendlyName", "quantity", "termDuration",
               "partnerIdOnRecord"}
BODY = {"lineItems": [{"lineItemNumber": 0, "offerId": "mail-basic", "quantity": 2},
                      {"lineItemNumber": 1, "offerId": "office-apps", "quantity": 5, "friendlyName": "Office"}]}


def _post(client, url, body=BODY, key=None):  # noqa: ANN001, ANN202
    return client.post(url, body, content_type="application/json", headers={"Idempotency-Key": key} if key else {})


def test_an_order_buys_a_subscription_per_line_and_reads_back(partner):
    mine = shop(partner)
    client, _app = api_client(partner)
    response = _post(client, mine.url("orders"), {**BODY, "referenceCustomerId": str(mine.customer.id)})
    assert response.status_code == 201, response.content
    order = response.json()
    assert set(order) == ORDER_FIELDS and order["attributes"] == {"objectType": "Order"}
    assert order["referenceCustomerId"] == str(mine.customer.id) and order["status"] == "completed"
    assert response["Location"] == order["links"]["self"]["uri"] == mine.url(f"orders/{order['id']}")
    lines = order["lineItems"]
    assert [set(line) for line in lines] == [LINE_FIELDS, LINE_FIELDS]
    assert [(line["lineItemNumber"], line["offerId"], line["quantity"], line["partnerIdOnRecord"]) for line in lines] == [
        (0, "mail-basic", 2, ""), (1, "office-apps", 5, "")]
    bought = Subscription.objects.filter(order_line__order_id=order["id"])
    assert {str(s.id) for s in bought} == {line["subscriptionId"] for line in lines}
    assert order["billingCycle"] == "unknown"  # a monthly and an annual offer
    assert client.get(mine.url(f"orders/{order['id']}")).json() == order
    listed = client.get(mine.url("orders")).json()
    assert listed["totalCount"] == 2 and listed["attributes"] == {"objectType": "Collection"}
    assert [item["id"] for item in listed["items"]] == [order["id"], str(mine.order.id)]  # newest first
    subscriptions = client.get(mine.url("subscriptions")).json()
    assert subscriptions["totalCount"] == 3


def test_an_order_the_rules_refuse_is_409_with_the_reason(partner):
    mine = shop(partner, agreement=False)
    client, _app = api_client(partner)
    response = _post(client, mine.url("orders"))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == REST_CODES[Code.REFUSED] and "customer agreement" in body["description"]
    assert Order.objects.count() == 0


def test_bad_lines_are_400_naming_the_line(partner):
    mine = shop(partner)
    client, _app = api_client(partner)
    cases = [
        ({"lineItems": []}, "lineItems"),
        ({"lineItems": [{"offerId": "no-such-offer", "quantity": 1}]}, "lineItems.offerId"),
        ({"lineItems": [{"offerId": "mail-basic", "quantity": 0}]}, "lineItems.quantity"),
        ({"lineItems": [{"offerId": "office-apps", "quantity": 1}, {"offerId": "mail-basic", "quantity": 301}]},
         "lineItems.1"),
        ({"lineItems": [{"offerId": "mail-basic", "quantity": 1, "partnerIdOnRecord": "1234567"}]},
         "lineItems.partnerIdOnRecord"),
        ({**BODY, "referenceCustomerId": "00000000-0000-4000-8000-000000000000"}, "referenceCustomerId"),
    ]
    for body, field in cases:
        response = _post(client, mine.url("orders"), body)
        assert response.status_code == 400, (body, response.content)
        assert response.json()["errorName"] == "invalid" and field in [d["field"] for d in response.json()["data"]], (
            body, response.json())
    assert Order.objects.count() == 1


def test_an_idempotency_key_buys_once_even_when_the_stored_answer_is_missed(partner):
    mine = shop(partner)
    client, _app = api_client(partner)
    first = _post(client, mine.url("orders"), key="order-42")
    again = _post(client, mine.url("orders"), key="order-42")
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    # A twin racing the first request finds no stored answer yet: the order's own key still holds.
    IdempotentResponse.objects.all().delete()
    twin = _post(client, mine.url("orders"), key="order-42")
    assert twin.status_code == 201 and twin.json()["id"] == first.json()["id"] and twin["Idempotent-Replayed"] == "true"
    assert _post(client, mine.url("orders"), key="order-43").json()["id"] != first.json()["id"]
    assert Order.objects.count() == 3  # the shop's, order-42's, order-43's
    # Without a key every POST is an order of its own.
    assert _post(client, mine.url("orders")).json()["id"] != _post(client, mine.url("orders")).json()["id"]
    # Another app's same key is its own.
    other, _app = api_client(partner, name="Other app")
    assert _post(other, mine.url("orders"), key="order-42").json()["id"] != first.json()["id"]


def test_an_order_key_past_its_replay_window_buys_nothing_else(partner):
    mine = shop(partner)
    client, _app = api_client(partner)
    with time_machine.travel(timezone.now() - timedelta(hours=25), tick=False):
        first = _post(client, mine.url("orders"), key="order-77")
    assert first.status_code == 201
    purge_expired()
    other_lines = {"lineItems": [{"lineItemNumber": 0, "offerId": "mail-basic", "quantity": 9}]}
    orders = Order.objects.count()
    for body in (BODY, other_lines):  # the same request or another one: the key names the first order
        response = _post(client, mine.url("orders"), body, key="order-77")
        assert_rest_error(response, 422, "idempotency_key_reused")
    assert Order.objects.count() == orders
    assert _post(client, mine.url("orders"), other_lines, key="order-78").status_code == 201


def test_an_indirect_provider_names_its_reseller_of_record_by_mpn_id(provider, provider_admin, reseller,
                                                                    reseller_admin):
    from resellers import services as partnership_services

    request, _raw = partnership_services.partnership_request_create(provider=provider, actor=provider_admin,
                                                                     reseller_mpn_id=reseller.mpn_id)
    partnership_services.partnership_accept(request_id=request.id, reseller=reseller, actor=reseller_admin)
    mine = shop(provider)
    client, _app = api_client(provider)
    body = {"lineItems": [{"offerId": "mail-basic", "quantity": 1, "partnerIdOnRecord": reseller.mpn_id}]}
    response = _post(client, mine.url("orders"), body)
    assert response.status_code == 201, response.content
    line = response.json()["lineItems"][0]
    assert line["partnerIdOnRecord"] == reseller.mpn_id
    subscription = client.get(mine.url(f"subscriptions/{line['subscriptionId']}")).json()
    assert subscription["partnerId"] == reseller.mpn_id


def test_a_read_only_token_or_role_cannot_order(partner):
    mine = shop(partner)
    read_only, _app = api_client(partner, scopes=READ_SCOPES)
    assert read_only.get(mine.url("orders")).status_code == 200
    refused = _post(read_only, mine.url("orders"))
    assert refused.status_code == 403 and refused.json()["errorName"] == "insufficient_scope"
    billing, _app = api_client(partner, roles=[Role.BILLING_ADMIN],
                               registrant=member(partner, Role.GLOBAL_ADMIN))
    assert billing.get(mine.url(f"orders/{mine.order.id}")).status_code == 200
    assert _post(billing, mine.url("orders")).status_code == 403
    assert Order.objects.count() == 1


def test_another_partners_customer_or_order_is_404_in_shape(partner):
    mine = shop(partner)
    theirs = shop(PartnerFactory())
    client, _app = api_client(partner)
    for url in (theirs.url("orders"), theirs.url(f"orders/{theirs.order.id}"), mine.url(f"orders/{theirs.order.id}")):
        response = client.get(url)
        assert response.status_code == 404 and response.json()["code"] == REST_CODES[Code.NOT_FOUND], url
    response = _post(client, theirs.url("orders"))
    assert response.status_code == 404 and response.json()["errorName"] == "not_found"
    assert Order.objects.count() == 2


def test_the_orders_page_newest_first_by_continuation_token_without_duplicates_or_gaps(partner):
    mine = shop(partner)
    client, _app = api_client(partner)
    for n in range(6):
        assert _post(client, mine.url("orders"), key=f"order-{n}").status_code == 201
    # Three orders placed at the same moment: the id decides among them, across a page boundary.
    tied = list(Order.objects.order_by("created_at")[1:4])
    Order.objects.filter(pk__in=[o.pk for o in tied]).update(created_at=tied[0].created_at)
    expected = sorted(Order.objects.all(), key=lambda o: (o.created_at, str(o.id)), reverse=True)
    items, queries = follow_pages(client, mine.url("orders?size=2"))
    assert [item["id"] for item in items] == [str(o.id) for o in expected] and len(expected) == 7
    assert len(queries) == 4 and len(set(queries)) == 1, queries
    assert follow_pages(client, mine.url("orders?size=4"), via_query=True)[0] == items
    assert_rest_error(client.get(mine.url("orders"), headers={"MS-ContinuationToken": "eyJjIjoiMSJ9"}), 400,
                      "invalid")


def test_an_order_has_one_reseller_of_record_by_the_subscriptions_rule(partner):
    assert order_reseller_of_record([]) == order_reseller_of_record([None, ""]) == ""
    assert order_reseller_of_record(["1234567", " 1234567 "]) == "1234567"
    assert order_reseller_of_record(["1234567", ""]) is None and order_reseller_of_record(["1", "2"]) is None
    mine = shop(partner)
    client, _app = api_client(partner)
    mixed = {"lineItems": [{"offerId": "mail-basic", "quantity": 1, "partnerIdOnRecord": "1234567"},
                           {"offerId": "office-apps", "quantity": 1}]}
    response = _post(client, mine.url("orders"), mixed)
    assert response.status_code == 400 and [d["field"] for d in response.json()["data"]] == ["lineItems"]
    assert Order.objects.count() == 1
