"""F9 under concurrency on real PostgreSQL: two agents changing one subscription's quantity from the
same page (optimistic lock), and double-submits of the order form with one idempotency key.

Every racer runs in its own thread behind a barrier; Django gives each thread its own database
connection, which the thread closes when it is done."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from customers.models import CustomerAgreement
from customers.services import reseller_relationship_ensure
from partnercenter.models import ActivityKind, ActivityLog
from partnercenter.roles import Role
from subscriptions import services
from subscriptions.models import EventKind, Offer, Order, OrderLine, Subscription, SubscriptionEvent
from tests.concurrency import outcomes, race, require_postgres
from tests.factories import member

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 10


def make_ready(partner, customer) -> None:
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    CustomerAgreement.objects.create(customer=customer, signer_name="Mike Miller", signer_email="mike@adatum.example",
                                     accepted_on=timezone.localdate() - timedelta(days=1))


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def agents(partner):
    return member(partner, Role.ADMIN_AGENT), member(partner, Role.SALES_AGENT)


@pytest.fixture
def subscription(partner, customer, agents) -> Subscription:
    require_postgres()
    make_ready(partner, customer)
    crm = Offer.objects.get(sku="crm-sales")
    order, created = services.order_place(
        partner=partner, customer=customer, actor=agents[0], lines=[services.Line(offer_id=crm.id, quantity=10)],
        idempotency_key=uuid.uuid4().hex,
    )
    assert created
    return order.lines.get().subscription


def detail_url(subscription: Subscription) -> str:
    return f"/customers/{subscription.customer_id}/subscriptions/{subscription.id}/"


# --- 1. Two agents change the same subscription's quantity at once -----------------------------------


def test_two_agents_change_quantity_at_once_in_the_service(partner, customer, agents, subscription):
    version = subscription.version  # what both agents' pages were built from
    wanted = {0: (agents[0], 20), 1: (agents[1], 30)}

    def change(i: int) -> int:
        actor, quantity = wanted[i]
        row = Subscription.objects.select_related("offer", "partner", "customer").get(pk=subscription.pk)
        return services.subscription_quantity_change(subscription=row, actor=actor, quantity=quantity,
                                                     version=version).quantity

    results = race(2, change)
    assert outcomes(results) == Counter({"ok": 1, "SubscriptionConflict": 1}), results
    (winner,) = [i for i, (kind, _value) in enumerate(results) if kind == "ok"]
    final = Subscription.objects.get(pk=subscription.pk)
    assert final.quantity == wanted[winner][1] == results[winner][1]
    assert final.version == version + 1
    events = SubscriptionEvent.objects.filter(subscription=subscription, kind=EventKind.QUANTITY)
    assert events.count() == 1
    assert (events.get().quantity, events.get().actor) == (wanted[winner][1], wanted[winner][0])
    for tenant in (partner, customer):
        assert ActivityLog.objects.filter(tenant=tenant, kind=ActivityKind.SUBSCRIPTION_QUANTITY).count() == 1


def test_two_agents_change_quantity_at_once_over_http(partner, customer, agents, subscription):
    version = subscription.version
    wanted = {0: 20, 1: 30}
    clients = [logged_in(agents[0]), logged_in(agents[1])]

    def post(i: int):
        return clients[i].post(detail_url(subscription),
                               {"action": "quantity", "quantity": str(wanted[i]), "version": str(version)})

    results = race(2, post)
    assert outcomes(results) == Counter({"ok": 2}), results  # a 500 would surface here as an exception
    responses = [value for _kind, value in results]
    assert sorted(r.status_code for r in responses) == [302, 409]
    (winner,) = [i for i, r in enumerate(responses) if r.status_code == 302]
    loser = responses[1 - winner]
    assert "Someone else changed this subscription" in loser.content.decode()
    assert loser.context["subscription"].quantity == wanted[winner]  # the loser sees the current values
    final = Subscription.objects.get(pk=subscription.pk)
    assert (final.quantity, final.version) == (wanted[winner], version + 1)
    assert SubscriptionEvent.objects.filter(subscription=subscription, kind=EventKind.QUANTITY).count() == 1


# --- 2. Concurrent double-submits of the order form with one idempotency key ----------------------------


def _assert_one_order(partner, customer, orders: list[Order], created_flags: list[bool] | None = None) -> None:
    assert len({order.pk for order in orders}) == 1
    if created_flags is not None:
        assert created_flags.count(True) == 1
    assert Order.objects.count() == 1
    order = Order.objects.get()
    assert (order.partner, order.customer) == (partner, customer)
    assert Subscription.objects.count() == OrderLine.objects.count() == 2
    assert SubscriptionEvent.objects.filter(kind=EventKind.CREATED).count() == 2
    assert set(Subscription.objects.values_list("order_line__order_id", flat=True)) == {order.pk}
    for tenant in (partner, customer):
        assert ActivityLog.objects.filter(tenant=tenant, kind=ActivityKind.ORDER_PLACED).count() == 1


@pytest.fixture
def buyer(partner, customer, agents):
    require_postgres()
    make_ready(partner, customer)
    return agents[1]


def test_concurrent_double_submits_in_the_service_make_one_order(partner, customer, buyer):
    key = uuid.uuid4().hex
    lines = [services.Line(offer_id=Offer.objects.get(sku=sku).id, quantity=q)
             for sku, q in (("mail-basic", 3), ("crm-sales", 5))]

    def submit(_i: int) -> tuple[Order, bool]:
        return services.order_place(partner=partner, customer=customer, actor=buyer, lines=lines,
                                    idempotency_key=key)

    results = race(RACERS, submit)
    assert outcomes(results) == Counter({"ok": RACERS}), results
    _assert_one_order(partner, customer, [value[0] for _kind, value in results],
                      [value[1] for _kind, value in results])


def test_concurrent_double_submits_over_http_make_one_order(partner, customer, buyer):
    data = {"idempotency_key": uuid.uuid4().hex,
            f"qty_{Offer.objects.get(sku='mail-basic').id}": "3",
            f"qty_{Offer.objects.get(sku='crm-sales').id}": "5"}
    clients = [logged_in(buyer) for _ in range(RACERS)]
    url = f"/customers/{customer.id}/subscriptions/add/"

    results = race(RACERS, lambda i: clients[i].post(url, data))
    assert outcomes(results) == Counter({"ok": RACERS}), results  # no 500: the client re-raises server errors
    responses = [value for _kind, value in results]
    assert [r.status_code for r in responses] == [302] * RACERS
    order = Order.objects.get()
    assert {r["Location"] for r in responses} == {f"/customers/{customer.id}/orders/{order.id}/"}
    _assert_one_order(partner, customer, [order])
    # Exactly one submit was told it placed the order; the others that it was placed already.
    said = Counter()
    for client in clients:
        page = client.get(f"/customers/{customer.id}/orders/{order.id}/")
        assert page.status_code == 200
        for message in page.context["messages"]:
            said[str(message)] += 1
    assert said == Counter({"The order was placed.": 1,
                            "This order was placed already; it was not placed twice.": RACERS - 1})
