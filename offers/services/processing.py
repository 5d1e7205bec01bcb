"""Applying a queued acceptance of an advisor offer (the Celery task's work). The sweep and the delivery
count are the acceptances' own (invitations.services.processing), shared by both kinds of rows."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from customers.models import RelationshipRole, Service
from customers.services import dap_grant, reseller_relationship_ensure
from invitations.models import DapChoice
from invitations.services.processing import delivery_counted, notify_partner
from links.models import LinkStatus
from offers.events import OfferEvents
from offers.models import AdvisorOffer, OfferAcceptance, OfferAcceptanceStatus, OfferKind
from offers.services.accepting import offer_blockers
from partnercenter.errors import Invalid
from partnercenter.events import event_record
from partnercenter.models import Tenant
from subscriptions.services import Line, order_lines_checked, order_record


class _Unavailable(Exception):
    """What the offer contains is no longer sold to this customer: nothing of the acceptance stays."""


def offer_acceptance_process(*, acceptance_id: str) -> str:
    """Re-check the rules now, then record the partner as advisor, create the trial or subscriptions
    and grant delegated administration if the customer agreed. Idempotent."""
    delivery_counted(OfferAcceptance, acceptance_id)
    with transaction.atomic():
        acceptance = (
            OfferAcceptance.objects.select_for_update(of=("self",)).select_related("customer", "user")
            .filter(id=acceptance_id, status=OfferAcceptanceStatus.PROCESSING).first()
        )
        if acceptance is None:
            return "done-already"
        offer = AdvisorOffer.objects.select_for_update(of=("self",)).select_related("partner").get(
            pk=acceptance.offer_id)
        customer = acceptance.customer
        # One acceptance per customer at a time, as for relationship requests (DAP conflicts, the relationship).
        Tenant.objects.select_for_update(no_key=True).filter(pk=customer.pk).values_list("pk").first()
        if acceptance.deliveries > settings.TASK_MAX_DELIVERIES:
            return _fail(acceptance, offer, "dead", {})
        if offer.status == LinkStatus.REVOKED:
            return _fail(acceptance, offer, "deactivated", {"partner": offer.partner.name})
        if acceptance.created_at >= offer.expires_at:  # the click counts, not the time in the queue
            return _fail(acceptance, offer, "expired", {})
        blockers = offer_blockers(offer=offer, customer=customer)
        if blockers:
            return _fail(acceptance, offer, blockers[0].code, blockers[0].params)
        try:
            with transaction.atomic():
                granted = _apply(acceptance, offer)
        except _Unavailable:
            return _fail(acceptance, offer, "unavailable", {"partner": offer.partner.name})
        acceptance.status = OfferAcceptanceStatus.SUCCEEDED
        acceptance.granted_services = granted
        acceptance.processed_at = timezone.now()
        acceptance.result_code = "ok"
        acceptance.save()
        AdvisorOffer.objects.filter(pk=offer.pk).update(acceptance_count=offer.acceptance_count + 1)
        data = {"customer": customer.name, "partner": offer.partner.name,
                "customer_id": str(customer.id), "partner_id": str(offer.partner.id)}
        for tenant in (offer.partner, customer):
            event_record(tenant=tenant, kind=OfferEvents.OFFER_ACCEPTED, actor=acceptance.user, customer=customer,
                         data=data, ip=acceptance.ip_address)
        notify_partner(request=offer, customer=customer, template="offer_accepted")
        return "succeeded"


def _apply(acceptance: OfferAcceptance, offer: AdvisorOffer) -> list[str]:
    customer, partner, actor = acceptance.customer, offer.partner, acceptance.user
    reseller_relationship_ensure(partner=partner, customer=customer, actor=actor, ip=acceptance.ip_address,
                                 role=RelationshipRole.ADVISOR)
    lines = [Line(int(offer_id), int(quantity)) for offer_id, quantity in acceptance.quantities]
    if lines:
        try:
            offers = order_lines_checked(customer=customer, lines=lines, trial=offer.offer_kind == OfferKind.TRIAL)
        except Invalid:
            raise _Unavailable from None
        order, _created = order_record(partner=partner, customer=customer, actor=actor, lines=lines, offers=offers,
                                       idempotency_key=f"advisor-offer:{acceptance.id.hex}")
        acceptance.order = order
    if not acceptance.include_dap:
        return []
    # Another partner's admin permissions move only when the customer chose so on the page.
    return dap_grant(partner=partner, customer=customer, services=list(Service.values),
                     reassign=acceptance.dap_choice == DapChoice.REASSIGN, actor=actor, ip=acceptance.ip_address)


def _fail(acceptance: OfferAcceptance, offer: AdvisorOffer, code: str, params: dict) -> str:
    acceptance.status = OfferAcceptanceStatus.FAILED
    acceptance.result_code, acceptance.result_params = code, params
    acceptance.processed_at = timezone.now()
    acceptance.save()
    data = {"customer": acceptance.customer.name, "partner": offer.partner.name, "reason_code": code,
            "reason_params": params}
    for tenant in (offer.partner, acceptance.customer):
        event_record(tenant=tenant, kind=OfferEvents.ACCEPTANCE_FAILED, actor=acceptance.user,
                     customer=acceptance.customer, data=data, ip=acceptance.ip_address)
    return "failed"
