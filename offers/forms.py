"""Validation only: the partner's offer forms and the customer's acceptance form (F12)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from invitations.models import DapChoice
from offers.models import AdvisorOffer, OfferKind
from subscriptions.models import Offer
from subscriptions.services import Line

QUANTITY_MAX = 100_000  # beyond any catalog offer's maximum; the catalog's own limits are the service's


def _quantity_field(label: str, initial: int | None) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=QUANTITY_MAX, required=False, initial=initial,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


class TrialInvitationForm(forms.Form):
    trial_offer = forms.ModelChoiceField(queryset=Offer.objects.none(), label=_("Trial offer"),
                                         empty_label=_("Choose a trial offer"))
    include_dap = forms.BooleanField(label=_("Include delegated administration"), required=False)

    def __init__(self, *args: object, partner: object, dap_possible: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        country = str(partner.country)  # type: ignore[attr-defined]
        trials = Offer.objects.filter(is_trial=True, is_active=True)
        # The catalog's trial offers sold in the partner's country (a JSON list: compared in Python on every database).
        self.fields["trial_offer"].queryset = trials.filter(  # type: ignore[attr-defined]
            id__in=[offer.id for offer in trials if offer.is_sold_in(country)])
        if not dap_possible:
            del self.fields["include_dap"]

    def lines(self) -> list[Line]:
        offer = self.cleaned_data["trial_offer"]
        return [Line(offer.id, offer.max_quantity)]


class PurchaseOfferForm(forms.Form):
    """One license-count field per paid offer of the catalog (0 or empty: not in the offer)."""

    include_dap = forms.BooleanField(label=_("Include delegated administration"), required=False)

    def __init__(self, *args: object, dap_possible: bool, initial_counts: dict[int, int] | None = None,
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        counts = initial_counts or {}
        self.catalog = list(Offer.objects.filter(is_trial=False, is_active=True).order_by("product", "name"))
        for offer in self.catalog:
            self.fields[f"qty_{offer.id}"] = _quantity_field(offer.display_name, counts.get(offer.id))
        if not dap_possible:
            del self.fields["include_dap"]

    def offer_fields(self) -> list[tuple[Offer, forms.BoundField]]:
        return [(offer, self[f"qty_{offer.id}"]) for offer in self.catalog]

    def lines(self) -> list[Line]:
        return [Line(offer.id, self.cleaned_data.get(f"qty_{offer.id}") or 0) for offer in self.catalog]


class AcceptOfferForm(forms.Form):
    """The customer's choices: license counts (purchase offers), delegated administration, and, when
    another partner holds admin permissions, whether to reassign them."""

    include_dap = forms.BooleanField(required=False)
    dap_choice = forms.ChoiceField(choices=DapChoice.choices, required=False, widget=forms.RadioSelect,
                                   label=_("Admin permissions"))

    def __init__(self, *args: object, offer: AdvisorOffer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.offer = offer
        self.fields["include_dap"].label = (
            _("I agree that %(partner)s administers our organisation on our behalf (delegated administration).")
            % {"partner": offer.partner.name}
        )
        if offer.offer_kind == OfferKind.PURCHASE:
            for line in offer.lines.all():
                self.fields[f"qty_{line.offer_id}"] = _quantity_field(line.offer.display_name, line.quantity)

    def line_fields(self) -> list[tuple[object, forms.BoundField | None]]:
        return [(line, self[f"qty_{line.offer_id}"] if f"qty_{line.offer_id}" in self.fields else None)
                for line in self.offer.lines.all()]

    def quantities(self) -> dict[int, int]:
        return {line.offer_id: self.cleaned_data.get(f"qty_{line.offer_id}") or 0 for line in self.offer.lines.all()
                if f"qty_{line.offer_id}" in self.fields}
