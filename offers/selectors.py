"""Reads of advisor offers, always scoped by tenant: another partner's offer is a 404, like a missing one."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from offers.models import AdvisorOffer, AdvisorOfferLine, OfferAcceptance
from partnercenter.models import Tenant

PAGE_SIZE = 50


def _with_lines(qs: QuerySet[AdvisorOffer]) -> QuerySet[AdvisorOffer]:
    return qs.prefetch_related(Prefetch("lines", queryset=AdvisorOfferLine.objects.select_related("offer")))


def offers_of_partner(*, partner: Tenant, offer_kind: str, before: int | None = None) -> list[AdvisorOffer]:
    """One page of the partner's offers of one kind, newest first (keyset on the id)."""
    qs = AdvisorOffer.objects.visible_to(partner).filter(offer_kind=offer_kind).select_related("created_by")
    if before:
        qs = qs.filter(id__lt=before)
    return list(_with_lines(qs).order_by("-id")[: PAGE_SIZE + 1])


def offer_for_partner(*, partner: Tenant, offer_id: object) -> AdvisorOffer:
    try:
        offer_id = int(str(offer_id))
    except (TypeError, ValueError):
        raise Http404 from None
    offer = _with_lines(AdvisorOffer.objects.visible_to(partner).select_related("partner")).filter(pk=offer_id).first()
    if offer is None:
        raise Http404
    return offer


def offer_acceptances(*, offer: AdvisorOffer, limit: int = 50) -> list[OfferAcceptance]:
    return list(offer.acceptances.select_related("customer").order_by("-created_at")[:limit])


def acceptance_for_customer(*, acceptance_id: object, customer: Tenant) -> OfferAcceptance:
    acceptance = (OfferAcceptance.objects.visible_to(customer).select_related("offer__partner")
                  .filter(id=acceptance_id).first())
    if acceptance is None:
        raise Http404
    return acceptance
