"""The customer side of an advisor offer (F12): the rules an acceptance meets (those of F4: who may
answer, region, cloud, multichannel) and "Accept", queued for processing."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from customers import rules
from customers.models import Service
from invitations.errors import RequestAlreadyAnswered, RequestExpired, RequestNotFound
from invitations.models import DapChoice
from invitations.services.checks import Blocker, acceptance_actor_check
from links.models import LinkStatus
from links.services import link_by_token
from offers.models import AdvisorOffer, OfferAcceptance, OfferAcceptanceStatus, OfferKind
from partnercenter.dispatch import enqueue_on_commit
from partnercenter.errors import Code, Invalid
from partnercenter.models import Tenant, TenantKind, User
from subscriptions.services import Line, order_lines_checked


def offer_by_code(raw_token: str, *, lock: bool = False) -> AdvisorOffer | None:
    return link_by_token(AdvisorOffer, raw_token, lock=lock, related=("partner",))


def offer_blockers(*, offer: AdvisorOffer, customer: Tenant) -> list[Blocker]:
    """The rules of F4 that refuse an advisor relationship before anything is created (region, cloud)."""
    if customer.kind != TenantKind.CUSTOMER:
        return [Blocker("not_customer", {})]
    return [Blocker(r.code, r.params) for r in rules.relationship_refusals(offer.partner, customer)]


def offer_dap_conflicts(*, offer: AdvisorOffer, customer: Tenant) -> list[tuple[str, Tenant]]:
    """Services whose admin permissions another partner holds today (multichannel)."""
    if not offer.include_dap:
        return []
    conflicts = rules.dap_conflicts(customer=customer, services=Service.values, partner=offer.partner)
    return [(str(Service(service).label), row.partner) for service, row in conflicts.items()]


def offer_lines(*, offer: AdvisorOffer, quantities: dict[int, int] | None = None) -> list[Line]:
    """What the customer gets: the offer's lines; a purchase offer's counts as the customer changed them
    (0 leaves a line out). A trial's count is the trial's own."""
    chosen = quantities or {}
    lines = []
    for line in offer.lines.all():
        quantity = line.quantity
        if offer.offer_kind == OfferKind.PURCHASE and line.offer_id in chosen:
            quantity = chosen[line.offer_id]
        if quantity:
            lines.append(Line(line.offer_id, quantity))
    return lines


def offer_accept(
    *, raw_token: str, user: User, customer: Tenant, quantities: dict[int, int] | None = None,
    include_dap: bool = False, dap_choice: str = "", ip: str | None = None,
) -> OfferAcceptance:
    """Record the customer's "Accept" and queue its processing. Idempotent per customer and offer.
    Delegated administration only when offered and the customer agreed to it."""
    try:
        with transaction.atomic():
            offer = offer_by_code(raw_token, lock=True)
            if offer is None:
                raise RequestNotFound(_("Not found"))
            if offer.status == LinkStatus.REVOKED:
                raise Blocker("deactivated", {"partner": offer.partner.name}).error()
            acceptance_actor_check(user=user, customer=customer, request=offer)  # type: ignore[arg-type]
            if offer.status == LinkStatus.EXPIRED or offer.is_expired():
                raise RequestExpired(_("This offer has expired. Ask your partner for a new one."))
            previous = OfferAcceptance.objects.filter(offer=offer, customer=customer).first()
            if previous is not None and previous.status == OfferAcceptanceStatus.FAILED:
                previous.delete()  # a refused attempt may be tried again once the cause is fixed
                previous = None
            if previous is not None:
                raise RequestAlreadyAnswered(_("Your organisation has accepted this offer already."),
                                             acceptance_id=previous.id, code=Code.ALREADY_ACCEPTED)
            blockers = offer_blockers(offer=offer, customer=customer)
            if blockers:
                raise blockers[0].error()
            agreed = bool(include_dap and offer.include_dap)
            if offer.offer_kind == OfferKind.DAP and not agreed:
                raise Invalid(_("Agree to delegated administration to accept this offer."), field="include_dap")
            choice = dap_choice if dap_choice in DapChoice.values else ""
            if agreed and offer_dap_conflicts(offer=offer, customer=customer) and not choice:
                raise Invalid(
                    _("Choose whether to keep your current admin partner or reassign admin permissions."),
                    field="dap_choice",
                )
            lines = offer_lines(offer=offer, quantities=quantities)
            if offer.offer_kind != OfferKind.DAP:
                if not lines:
                    raise Invalid(_("Enter a license count for at least one offer."), field="lines")
                order_lines_checked(customer=customer, lines=lines, trial=offer.offer_kind == OfferKind.TRIAL)
            # What the customer saw and chose is what gets applied, whatever happens to the offer meanwhile.
            acceptance = OfferAcceptance.objects.create(
                offer=offer, customer=customer, user=user, include_dap=agreed, dap_choice=choice if agreed else "",
                quantities=[[line.offer_id, line.quantity] for line in lines], ip_address=ip,
            )
            from offers.tasks import offer_acceptance_process_task

            enqueue_on_commit(offer_acceptance_process_task, str(acceptance.id))
            return acceptance
    except IntegrityError:
        # The unique (offer, customer) index lost a race to a concurrent click: the same answer as above.
        offer = offer_by_code(raw_token)
        existing = OfferAcceptance.objects.filter(offer=offer, customer=customer).first() if offer else None
        raise RequestAlreadyAnswered(_("Your organisation has accepted this offer already."),
                                     acceptance_id=existing.id if existing else None,
                                     code=Code.ALREADY_ACCEPTED) from None
