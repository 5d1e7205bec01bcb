"""Partner Center REST v1: GET /v1/customers/{id}/subscriptions[/{sid}] and PATCH with If-Match (api.rest.subscriptions)."""

from __future__ import annotations

import pytest

from api.errors import REST_CODES
from partnercenter.errors import Code
from partnercenter.models import ActivityLog
from partnercenter.roles import Role
from subscriptions.models import Offer, Subscription, SubscriptionStatus
from subscriptions.rules import renews_automatically
from subscriptions.services import Line, order_place
from tests.api_commerce_support import shop
from tests.api_support import READ_SCOPES, api_client
from tests.factories import PartnerFactory
from tests.test_api_customers import assert_rest_error, follow_pages

pytestmark = pytest.mark.django_db

SUBSCRIPTION_FIELDS = {"id", "offerId", "offerName", "friendlyName", "quantity", "unitType", "creationDate",
                       "effectiveStartDate", "commitmentEndDate", "status", "autoRenewEnabled", "billingCycle",
                       "termDuration", "orderId", "partnerId", "links", "attributes"}


def _patch(client, url, body, etag=None):  # noqa: ANN001, ANN202
    headers = {"If-Match": etag} if etag is not None else {}
    return client.patch(url, body, content_type="application/json", headers=headers)


def test_the_list_is_a_collection_of_the_customers_subscriptions(partner):
    mine = shop(partner)
    client, _app = api_client(partner, scopes=READ_SCOPES)
    response = client.get(mine.url("subscriptions"))
    assert response.status_code == 200
    body = response.json()
    assert body["totalCount"] == 1 and body["attributes"] == {"objectType": "Collection"}
    assert body["links"]["self"]["uri"] == mine.url("subscriptions")
    item = body["items"][0]
    subscription = mine.subscription
    assert set(item) == SUBSCRIPTION_FIELDS
    assert item["id"] == str(subscription.id) and item["offerId"] == "mail-basic"
    assert item["offerName"] == item["friendlyName"] == "Business Mail Basic"
    assert (item["quantity"], item["unitType"], item["status"], item["billingCycle"], item["termDuration"]) == (
        3, "licenses", "active", "monthly", "P1M")
    assert item["orderId"] == str(mine.order.id) and item["partnerId"] == "" and item["autoRenewEnabled"] is True
    assert item["creationDate"] == item["effectiveStartDate"] and item["commitmentEndDate"] > item["creationDate"][:10]
    assert item["attributes"] == {"etag": '"1"', "objectType": "Subscription"}
    assert item["links"]["self"] == {"uri": mine.url(f"subscriptions/{subscription.id}"), "method": "GET",
                                     "headers": []}


def test_one_subscription_carries_its_version_as_etag_and_a_cancelled_one_is_deleted(partner):
    mine = shop(partner)
    client, _app = api_client(partner, scopes=READ_SCOPES)
    url = mine.url(f"subscriptions/{mine.subscription.id}")
    response = client.get(url)
    assert response.status_code == 200 and response["ETag"] == '"1"'
    assert response.json()["attributes"]["etag"] == '"1"'
    Subscription.objects.filter(pk=mine.subscription.pk).update(status=SubscriptionStatus.CANCELLED, version=4)
    response = client.get(url)
    assert response["ETag"] == '"4"' and response.json()["status"] == "deleted"
    assert response.json()["autoRenewEnabled"] is False


def test_a_change_needs_if_match_refuses_a_stale_one_and_answers_the_new_object(partner):
    mine = shop(partner)
    client, app = api_client(partner)
    url = mine.url(f"subscriptions/{mine.subscription.id}")
    missing = _patch(client, url, {"quantity": 5})
    assert missing.status_code == 428
    assert missing.json()["errorName"] == "precondition_required" and missing.json()["source"] == "PartnerCenter"
    for stale in ('"7"', "W/\"0\"", "nonsense"):
        refused = _patch(client, url, {"quantity": 5}, stale)
        assert refused.status_code == 412 and refused.json()["errorName"] == "precondition_failed", stale
    assert Subscription.objects.get(pk=mine.subscription.pk).quantity == 3
    changed = _patch(client, url, {"quantity": 5}, '"1"')
    assert changed.status_code == 200 and changed["ETag"] == '"2"'
    assert changed.json()["quantity"] == 5 and changed.json()["attributes"]["etag"] == '"2"'
    assert _patch(client, url, {"quantity": 6}, '"1"').status_code == 412  # the old etag is spent
    entry = ActivityLog.objects.get(tenant=partner, kind="subscription.quantity")
    assert entry.actor_client == app.client_id
    assert _patch(client, url, {"quantity": 6}, "*").json()["quantity"] == 6


def test_suspend_and_activate_with_or_without_a_quantity(partner):
    mine = shop(partner)
    client, _app = api_client(partner)
    url = mine.url(f"subscriptions/{mine.subscription.id}")
    suspended = _patch(client, url, {"status": "suspended", "quantity": 4}, '"1"')
    assert suspended.status_code == 200
    assert (suspended.json()["status"], suspended.json()["quantity"], suspended["ETag"]) == ("suspended", 4, '"3"')
    refused = _patch(client, url, {"quantity": 9}, '"3"')
    assert refused.status_code == 409 and refused.json()["code"] == REST_CODES[Code.CONFLICT]
    assert refused.json()["data"][0]["field"] == "quantity"
    active = _patch(client, url, {"status": "active", "quantity": 8}, '"3"')
    assert (active.status_code, active.json()["status"], active.json()["quantity"]) == (200, "active", 8)
    unchanged = _patch(client, url, {"status": "active"}, active["ETag"])
    assert unchanged.status_code == 200 and unchanged["ETag"] == active["ETag"]
    kinds = list(mine.subscription.events.order_by("id").values_list("kind", flat=True))
    assert kinds == ["created", "quantity", "suspended", "reactivated", "quantity"]


def test_a_change_that_fails_half_way_changes_nothing(partner):
    mine = shop(partner)
    client, _app = api_client(partner)
    url = mine.url(f"subscriptions/{mine.subscription.id}")
    Subscription.objects.filter(pk=mine.subscription.pk).update(status=SubscriptionStatus.SUSPENDED)
    # Activating works, the quantity above the offer's maximum does not: the subscription stays suspended.
    response = _patch(client, url, {"status": "active", "quantity": 301}, '"1"')
    assert response.status_code == 400 and response.json()["data"][0]["field"] == "quantity"
    subscription = Subscription.objects.get(pk=mine.subscription.pk)
    assert (subscription.status, subscription.quantity, subscription.version) == ("suspended", 3, 1)


def test_bad_bodies_are_400_in_shape(partner):
    mine = shop(partner)
    client, _app = api_client(partner)
    url = mine.url(f"subscriptions/{mine.subscription.id}")
    for body in ({"quantity": 0}, {"status": "deleted"}, {"quantity": "many"}):
        response = _patch(client, url, body, '"1"')
        assert response.status_code == 400 and response.json()["errorName"] == "invalid", body
    assert Subscription.objects.get(pk=mine.subscription.pk).version == 1


def test_a_change_between_the_read_and_the_write_is_412(partner, monkeypatch):
    mine = shop(partner)
    client, _app = api_client(partner)
    url = mine.url(f"subscriptions/{mine.subscription.id}")
    # Someone else's change lands after the If-Match check: the service's version check refuses it.
    monkeypatch.setattr("api.rest.subscriptions.if_match_version", lambda request, current: current + 1)
    response = _patch(client, url, {"quantity": 5}, '"1"')
    assert response.status_code == 412 and response.json()["errorName"] == "precondition_failed"


def test_a_read_only_token_or_role_cannot_change(partner):
    mine = shop(partner)
    url = mine.url(f"subscriptions/{mine.subscription.id}")
    read_only, _app = api_client(partner, scopes=READ_SCOPES)
    assert read_only.get(url).status_code == 200
    refused = _patch(read_only, url, {"quantity": 5}, '"1"')
    assert refused.status_code == 403 and refused.json()["errorName"] == "insufficient_scope"
    helpdesk, _app = api_client(partner, roles=[Role.HELPDESK_AGENT])
    assert helpdesk.get(url).status_code == 200
    refused = _patch(helpdesk, url, {"quantity": 5}, '"1"')
    assert refused.status_code == 403 and refused.json()["errorName"] == "forbidden"
    assert Subscription.objects.get(pk=mine.subscription.pk).quantity == 3


def test_another_partners_customer_or_subscription_is_404_in_shape(partner):
    mine = shop(partner)
    theirs = shop(PartnerFactory())
    client, _app = api_client(partner)
    urls = [theirs.url("subscriptions"), theirs.url(f"subscriptions/{theirs.subscription.id}"),
            mine.url(f"subscriptions/{theirs.subscription.id}"),
            "/v1/customers/00000000-0000-4000-8000-000000000000/subscriptions"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404 and response.json()["code"] == REST_CODES[Code.NOT_FOUND], url
    for url in urls[1:3]:
        response = _patch(client, url, {"quantity": 5}, "*")
        assert response.status_code == 404 and response.json()["errorName"] == "not_found", url
    assert Subscription.objects.get(pk=theirs.subscription.pk).quantity == 3


def test_the_object_read_can_be_sent_back_with_a_change_as_partner_center_clients_do(partner):
    mine = shop(partner)
    client, _app = api_client(partner)
    url = mine.url(f"subscriptions/{mine.subscription.id}")
    read = client.get(url)
    body = {**read.json(), "quantity": 10}
    changed = _patch(client, url, body, read.json()["attributes"]["etag"])
    assert changed.status_code == 200 and changed.json()["quantity"] == 10
    assert {key: value for key, value in changed.json().items() if key not in ("quantity", "attributes")} == {
        key: value for key, value in read.json().items() if key not in ("quantity", "attributes")}


def test_the_list_reads_in_a_constant_number_of_queries(partner, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mine = shop(partner)
    client, _app = api_client(partner)
    client.get(mine.url("subscriptions"))  # the token's first use writes last_used_at
    with CaptureQueriesContext(connection) as one:
        client.get(mine.url("subscriptions"))
    offers = list(Offer.objects.filter(sku__in=["office-apps", "mail-basic"]))
    order_place(partner=partner, customer=mine.customer, actor=mine.admin, idempotency_key="more",
                lines=[Line(offer_id=offer.id, quantity=2) for offer in offers])
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(mine.url("subscriptions")).json()["totalCount"] == 3
    with CaptureQueriesContext(connection) as orders:
        assert client.get(mine.url("orders")).json()["totalCount"] == 2
    order_place(partner=partner, customer=mine.customer, actor=mine.admin, idempotency_key="again",
                lines=[Line(offer_id=offer.id, quantity=1) for offer in offers])
    with django_assert_num_queries(len(orders.captured_queries)):
        assert client.get(mine.url("orders")).json()["totalCount"] == 3


def test_the_commitment_ends_with_the_current_term():
    from datetime import UTC, date, datetime
    from types import SimpleNamespace

    from subscriptions.selectors import commitment_end_date

    def end(term: str, bought: date, today: date, status: str = "active", changed: date | None = None) -> date:
        subscription = SimpleNamespace(offer=SimpleNamespace(term=term), status=status,
                                       created_at=datetime(*bought.timetuple()[:3], 9, tzinfo=UTC),
                                       updated_at=datetime(*(changed or bought).timetuple()[:3], 9, tzinfo=UTC))
        return commitment_end_date(subscription, today=today)

    assert end("P1Y", date(2025, 3, 10), date(2025, 3, 10)) == date(2026, 3, 9)
    assert end("P1Y", date(2025, 3, 10), date(2026, 12, 2)) == date(2027, 3, 9)
    assert end("P1M", date(2026, 1, 31), date(2026, 3, 1)) == date(2026, 3, 30)
    assert end("P1M", date(2026, 1, 15), date(2026, 3, 14)) == date(2026, 3, 14)
    assert end("P1M", date(2026, 1, 15), date(2026, 3, 15)) == date(2026, 4, 14)
    assert end("P3Y", date(2020, 6, 1), date(2026, 12, 2)) == date(2029, 5, 31)
    assert end("P1M", date(2026, 1, 15), date(2026, 12, 2), "cancelled", date(2026, 2, 20)) == date(2026, 3, 14)


def test_the_list_pages_by_continuation_token_in_offer_order_without_duplicates_or_gaps(partner):
    mine = shop(partner)
    skus = ["office-apps", "mail-basic", "security-addon", "mail-basic", "office-apps", "mail-basic"]
    order_place(partner=partner, customer=mine.customer, actor=mine.admin, idempotency_key="more",
                lines=[Line(offer_id=Offer.objects.get(sku=sku).id, quantity=1) for sku in skus])
    # Ties on the offer and the moment: the id decides, and no page boundary loses or repeats one.
    Subscription.objects.filter(customer=mine.customer).update(created_at=mine.subscription.created_at)
    expected = sorted(Subscription.objects.filter(customer=mine.customer).select_related("offer"),
                      key=lambda s: (s.offer.name, s.created_at, str(s.id)))
    client, _app = api_client(partner, scopes=READ_SCOPES)
    client.get(mine.url("subscriptions"))  # the app's last use is written on its first call
    items, queries = follow_pages(client, mine.url("subscriptions?size=2"))
    assert [item["id"] for item in items] == [str(s.id) for s in expected] and len(expected) == 7
    assert len(queries) == 4 and len(set(queries)) == 1, queries
    assert follow_pages(client, mine.url("subscriptions?size=3"), via_query=True)[0] == items
    first = client.get(mine.url("subscriptions?size=2")).json()
    assert first["links"]["next"]["uri"] == mine.url("subscriptions?size=2") and first["totalCount"] == 2
    assert client.get(mine.url("subscriptions")).json()["totalCount"] == 7  # 100 by default


def test_a_token_the_subscriptions_list_did_not_make_is_a_400(partner):
    mine = shop(partner)
    client, _app = api_client(partner, scopes=READ_SCOPES)
    order_place(partner=partner, customer=mine.customer, actor=mine.admin, idempotency_key="second",
                lines=[Line(offer_id=Offer.objects.get(sku="mail-basic").id, quantity=1)])
    orders_token = client.get(mine.url("orders?size=1")).json()["links"]["next"]["headers"][0]["value"]
    for token in ("bm90LWEtdG9rZW4", "eyJjIjoiZ2FyYmFnZSJ9", orders_token):
        assert_rest_error(client.get(mine.url("subscriptions"), headers={"MS-ContinuationToken": token}), 400,
                          "invalid")
    for query in ("size=0", "size=501", "size=x"):
        assert_rest_error(client.get(mine.url(f"subscriptions?{query}")), 400, "invalid")
    # Another customer's list (the same keys and partner): the token is that list's only.
    other = shop(partner)
    order_place(partner=partner, customer=other.customer, actor=other.admin, idempotency_key="third",
                lines=[Line(offer_id=Offer.objects.get(sku="mail-basic").id, quantity=1)])
    others_token = client.get(other.url("subscriptions?size=1")).json()["links"]["next"]["headers"][0]["value"]
    assert client.get(other.url("subscriptions"), headers={"MS-ContinuationToken": others_token}).status_code == 200
    assert_rest_error(client.get(mine.url("subscriptions"), headers={"MS-ContinuationToken": others_token}), 400,
                      "invalid")


def test_auto_renew_is_the_subscriptions_rule_a_trial_and_a_cancelled_one_do_not_renew(partner):
    mine = shop(partner)
    order_place(partner=partner, customer=mine.customer, actor=mine.admin, idempotency_key="trial",
                lines=[Line(offer_id=Offer.objects.get(sku="security-trial").id, quantity=5)])
    trial = Subscription.objects.get(offer__sku="security-trial")
    Subscription.objects.filter(pk=mine.subscription.pk).update(status=SubscriptionStatus.SUSPENDED)
    assert renews_automatically(mine.subscription) and not renews_automatically(trial)
    client, _app = api_client(partner, scopes=READ_SCOPES)
    listed = {item["id"]: item["autoRenewEnabled"] for item in client.get(mine.url("subscriptions")).json()["items"]}
    assert listed == {str(mine.subscription.id): True, str(trial.id): False}
    Subscription.objects.filter(pk=mine.subscription.pk).update(status=SubscriptionStatus.CANCELLED)
    assert not renews_automatically(Subscription.objects.get(pk=mine.subscription.pk))
