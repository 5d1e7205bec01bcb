"""The partner side of advisor offers (F12): create (trial invitation, purchase offer, delegated
administration offer), re-issue the URL, deactivate. The link lifecycle itself is links.services."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from customers.rules import dap_allowed
from links.services import link_issue, link_resend, link_revoke
from offers.models import AdvisorOffer, AdvisorOfferLine, OfferKind
from partnercenter.errors import Forbidden, Invalid
from partnercenter.models import Tenant, TenantKind, User
from partnercenter.roles import Perm
from partnercenter.selectors import permissions_of
from subscriptions.models import Offer
from subscriptions.services import Line, order_lines_checked


def _require(actor: User, partner: Tenant) -> None:
    if partner.kind != TenantKind.PARTNER or Perm.ADVISOR_OFFERS not in permissions_of(user=actor, tenant=partner):
        raise Forbidden(_("Your role does not allow this."))


def _lines_checked(*, partner: Tenant, offer_kind: str, lines: list[Line]) -> list[Line]:
    """A trial invitation holds exactly one trial offer; a purchase offer one or more paid offers with
    their license counts; a delegated administration offer none. Checked against the catalog as an
    order is (sold in the partner's country; the customer's is checked again when it accepts)."""
    if offer_kind == OfferKind.TRIAL:
        # A trial comes with the trial offer's own license count, whatever a form sent.
        sizes = dict(Offer.objects.filter(id__in=[line.offer_id for line in lines], is_trial=True)
                     .values_list("id", "max_quantity"))
        lines = [Line(line.offer_id, sizes.get(line.offer_id, 1)) for line in lines]
    lines = [line for line in lines if line.quantity]
    if offer_kind == OfferKind.DAP:
        return []
    if len({line.offer_id for line in lines}) != len(lines):
        raise Invalid(_("Choose each offer once."), field="lines")
    if offer_kind == OfferKind.TRIAL and len(lines) != 1:
        raise Invalid(_("Choose exactly one trial offer."), field="trial_offer")
    if not lines:
        raise Invalid(_("Enter a license count for at least one offer."), field="lines")
    try:
        order_lines_checked(customer=partner, lines=lines, trial=offer_kind == OfferKind.TRIAL)
    except Invalid as exc:
        if offer_kind == OfferKind.TRIAL:
            raise Invalid(_("Choose one of the trial offers."), field="trial_offer") from None
        raise exc
    return lines


def advisor_offer_create(
    *, partner: Tenant, actor: User, offer_kind: str, lines: list[Line], include_dap: bool,
    copied_from: AdvisorOffer | None = None, ip: str | None = None,
) -> tuple[AdvisorOffer, str]:
    """A new offer and its raw URL code (shown once; only its digest is stored)."""
    _require(actor, partner)
    if offer_kind not in OfferKind.values:
        raise Invalid(_("Choose a kind of offer."))
    if offer_kind == OfferKind.DAP:
        include_dap = True
    if include_dap and not dap_allowed(partner):
        raise Invalid(_("Delegated administration does not exist in the US Government cloud."), field="include_dap")
    if copied_from is not None and copied_from.partner_id != partner.id:
        raise Invalid(_("Choose one of your own offers."))
    lines = _lines_checked(partner=partner, offer_kind=offer_kind, lines=lines)
    with transaction.atomic():
        offer, raw = link_issue(
            AdvisorOffer, actor=actor, ip=ip, log={"offer_kind": offer_kind},
            partner=partner, offer_kind=offer_kind, include_dap=include_dap, copied_from=copied_from,
        )
        AdvisorOfferLine.objects.bulk_create(
            AdvisorOfferLine(advisor_offer=offer, offer_id=line.offer_id, quantity=line.quantity) for line in lines
        )
    return offer, raw


def advisor_offer_reissue(*, offer: AdvisorOffer, actor: User, ip: str | None = None) -> str:
    """A new URL for the offer (the old one stops working at once): the way back to a lost URL."""
    _require(actor, offer.partner)
    return link_resend(offer, actor=actor, ip=ip)


def advisor_offer_deactivate(*, offer: AdvisorOffer, actor: User, ip: str | None = None) -> None:
    """Its URL answers "deactivated" (410) from now on; the row and its counts stay."""
    _require(actor, offer.partner)
    link_revoke(offer, actor=actor, ip=ip)


def advisor_offer_opened(*, offer: AdvisorOffer) -> None:
    """Count a visit of the offer's page (the list's "Opened")."""
    AdvisorOffer.objects.filter(pk=offer.pk).update(opened_count=F("opened_count") + 1)
