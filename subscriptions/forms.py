from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnercenter.forms import QuantityField
from partnercenter.models import Tenant
from resellers.forms import reseller_field
from subscriptions.models import Offer


class AgreementForm(forms.Form):
    signer_name = forms.CharField(label=_("Signer name"), max_length=200)
    signer_email = forms.EmailField(label=_("Signer email"), max_length=254)
    accepted_on = forms.DateField(label=_("Acceptance date"), widget=forms.DateInput(attrs={"type": "date"}))
    attest = forms.BooleanField(
        label=_("I confirm that the customer accepted the customer agreement on this date."), required=True
    )

    def clean_signer_name(self) -> str:
        value = " ".join(self.cleaned_data["signer_name"].split())
        if not value:
            raise forms.ValidationError(_("Enter the signer's name."))
        return value

    def clean_accepted_on(self):  # noqa: ANN201
        value = self.cleaned_data["accepted_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The acceptance date cannot be in the future."))
        return value


class OrderForm(forms.Form):
    """One quantity field per offer the customer can buy, plus the reseller of record."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: object, offers: list[Offer], provider: Tenant | None, **kwargs: object) -> None:
        """`provider`: the indirect provider placing the order (it may name a reseller of record), else None."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.offers = offers
        for offer in offers:
            self.fields[f"qty_{offer.id}"] = QuantityField(
                label=offer.display_name, required=False, low=offer.min_quantity, high=offer.max_quantity, allow_zero=True,
                widget=forms.NumberInput(attrs={"min": 0, "max": offer.max_quantity, "class": "form-control qty"}),
            )
        if provider is not None:
            self.fields["partner_of_record"] = reseller_field(
                provider=provider, label=_("Reseller (MPN ID)"), empty_label=_("None"),
                empty_help=_("The MPN ID of the reseller of record; leave it empty for none."),
            )

    def quantity_fields(self) -> list:
        return [(offer, self[f"qty_{offer.id}"]) for offer in self.offers]


class QuantityForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: object, offer: Offer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["quantity"] = QuantityField(label=_("Quantity"), low=offer.min_quantity, high=offer.max_quantity)
        self.order_fields(["quantity", "version"])


class SupportContactForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: object, provider: Tenant, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["support_contact"] = reseller_field(
            provider=provider, label=_("Designated support contact"),
            empty_label=_("%(name)s (your organisation)") % {"name": provider.name},
            empty_help=_("The reseller's MPN ID; leave it empty for your own organisation."),
        )
        self.order_fields(["support_contact", "version"])


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
