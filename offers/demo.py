"""Demo data of advisor offers (F12): one offer of each kind from Contoso. Their URLs are shown only when
made, so the README tour creates a fresh one to open it as a customer."""

from __future__ import annotations

from partnercenter.models import Tenant, User


def demo_offers(tenants: dict[str, Tenant]) -> None:
    from offers.models import OfferKind
    from offers.services import advisor_offer_create
    from subscriptions.models import Offer
    from subscriptions.services import Line

    contoso = tenants["contoso.example"]
    actor = User.objects.get(email="admin@contoso.example")
    sku = {o.sku: o for o in Offer.objects.all()}
    trial = sku["office-premium-trial"]
    advisor_offer_create(partner=contoso, actor=actor, offer_kind=OfferKind.TRIAL,
                         lines=[Line(trial.id, trial.max_quantity)], include_dap=True)
    advisor_offer_create(partner=contoso, actor=actor, offer_kind=OfferKind.PURCHASE, include_dap=False,
                         lines=[Line(sku["office-standard"].id, 20), Line(sku["security-addon"].id, 20)])
    advisor_offer_create(partner=contoso, actor=actor, offer_kind=OfferKind.DAP, lines=[], include_dap=True)
