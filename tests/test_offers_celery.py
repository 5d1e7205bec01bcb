"""Integration (F12): an advisor offer's acceptance through a real Celery worker on PostgreSQL and Redis —
processed once, a re-delivered task changes nothing, and the one acceptances sweep picks up an
acceptance whose broker message was lost. The worker and its fixtures are tests/test_integration_celery.py's."""

from __future__ import annotations

import pytest

from customers.models import RelationshipRole, ResellerRelationship
from invitations.services import acceptances_sweep
from offers import services
from offers.models import OfferAcceptance, OfferAcceptanceStatus, OfferKind
from offers.tasks import offer_acceptance_process_task
from partnercenter.models import OutboxEmail
from partnercenter.roles import Role
from subscriptions.models import Offer, Subscription
from subscriptions.services import Line
from tests.celery_worker import wait_until
from tests.factories import PartnerFactory, TenantFactory, member
from tests.test_integration_celery import WAIT, celery_app_routed, routed, worker  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _offer():
    partner = PartnerFactory(country="DE")
    admin = member(partner, Role.GLOBAL_ADMIN)
    offer, raw = services.advisor_offer_create(
        partner=partner, actor=admin, offer_kind=OfferKind.PURCHASE, include_dap=False,
        lines=[Line(Offer.objects.get(sku="mail-basic").id, 10)])
    return partner, admin, offer, raw


def _wait_done(acceptance_id, worker) -> None:  # noqa: ANN001, F811
    def done() -> bool:
        worker.check_alive()
        return OfferAcceptance.objects.filter(pk=acceptance_id).exclude(
            status=OfferAcceptanceStatus.PROCESSING).exists()

    wait_until(done, timeout=WAIT, what=f"offer acceptance {acceptance_id} to be processed",
               details=worker.log_tail)


def test_acceptance_is_processed_once_by_the_worker(routed):  # noqa: F811
    partner, admin, offer, raw = _offer()
    customer = TenantFactory(country="AT")
    acceptance = services.offer_accept(raw_token=raw, user=member(customer, Role.CUSTOMER_GLOBAL_ADMIN),
                                       customer=customer, quantities={Offer.objects.get(sku="mail-basic").id: 14})
    _wait_done(acceptance.id, routed)
    acceptance.refresh_from_db()
    assert acceptance.status == OfferAcceptanceStatus.SUCCEEDED
    assert ResellerRelationship.objects.get(partner=partner, customer=customer).role == RelationshipRole.ADVISOR
    assert list(Subscription.objects.filter(customer=customer).values_list("quantity", flat=True)) == [14]
    # A re-delivered task finds the row done and changes nothing. The worker takes its queue in order
    # (one process, solo pool): once a later acceptance is processed, the re-delivered one has run.
    offer_acceptance_process_task.apply_async(args=(str(acceptance.id),))
    later = TenantFactory(country="DE")
    marker = services.offer_accept(raw_token=raw, user=member(later, Role.CUSTOMER_GLOBAL_ADMIN), customer=later)
    _wait_done(marker.id, routed)
    assert Subscription.objects.filter(customer=customer).count() == 1
    assert ResellerRelationship.objects.filter(customer=customer).count() == 1
    offer.refresh_from_db()
    assert offer.acceptance_count == 2  # the two customers, not the re-delivery
    assert OutboxEmail.objects.filter(to_email=admin.email, kind="offer_accepted").count() == 2


def test_the_one_sweep_requeues_a_lost_offer_acceptance(worker):  # noqa: F811
    _partner, _admin, _offer_row, raw = _offer()
    customer = TenantFactory(country="DE")
    # The broker is down at the click: the request commits and answers; the row waits.
    with celery_app_routed("redis://127.0.0.1:1/0", worker.queue):
        acceptance = services.offer_accept(raw_token=raw, user=member(customer, Role.CUSTOMER_GLOBAL_ADMIN),
                                           customer=customer)
    acceptance.refresh_from_db()
    assert (acceptance.status, acceptance.deliveries) == (OfferAcceptanceStatus.PROCESSING, 0)
    with celery_app_routed(worker.broker_url, worker.queue):
        assert acceptances_sweep(older_than_seconds=0) == 1
        _wait_done(acceptance.id, worker)
    acceptance.refresh_from_db()
    assert acceptance.status == OfferAcceptanceStatus.SUCCEEDED and acceptance.deliveries == 1
    assert Subscription.objects.filter(customer=customer).count() == 1
