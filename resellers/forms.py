from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from partnercenter.models import Tenant
from resellers.selectors import partnered_reseller_typed, reseller_filter_options


class PartneredResellerField(forms.CharField):
    """A provider's partnered reseller, typed as its MPN ID: the field for providers with more
    resellers than a drop-down holds. Cleans to the reseller's id as a string, as the drop-down does."""

    default_error_messages = {"unknown": _("None of your indirect resellers has this MPN ID.")}

    def __init__(self, *, provider: Tenant, **kwargs: object) -> None:
        super().__init__(max_length=64, **kwargs)  # type: ignore[arg-type]
        self.provider = provider

    def prepare_value(self, value: object) -> object:
        # A chosen reseller is kept as its id (wizard state, preselection): show its MPN ID.
        if isinstance(value, str) and len(value) > 7:
            reseller = partnered_reseller_typed(provider=self.provider, text=value)
            if reseller is not None:
                return reseller.mpn_id
        return value

    def clean(self, value: object) -> str:
        text = super().clean(value)
        if not text:
            return ""
        reseller = partnered_reseller_typed(provider=self.provider, text=text)
        if reseller is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        return str(reseller.id)


def reseller_field(*, provider: Tenant, label: str, empty_label: str, empty_help: str) -> forms.Field:
    """The field that picks one of the provider's partnered resellers (optional): a drop-down of them
    all, or, when there are more than a drop-down holds, a box for the reseller's MPN ID."""
    options = reseller_filter_options(provider=provider)
    if options is None:
        return PartneredResellerField(provider=provider, label=label, required=False, help_text=empty_help)
    return forms.ChoiceField(label=label, required=False, choices=[("", empty_label)] + [
        (str(r.id), f"{r.name} ({r.mpn_id})") for r in options
    ])


class PartnershipRequestForm(forms.Form):
    reseller_mpn_id = forms.RegexField(
        label=_("Reseller MPN ID"), regex=r"^\d{7}$", required=False, max_length=7,
        error_messages={"invalid": _("An MPN ID has 7 digits.")},
        help_text=_("Optional. A registered indirect reseller also sees the request on its Indirect providers page."),
    )
    email = forms.EmailField(label=_("Reseller email"), required=False, max_length=254,
                             help_text=_("Optional. Needed to send the request from the portal. Without an MPN ID, only "
                                         "a user signed in with this verified address can accept it."))


class RemovePartnershipForm(forms.Form):
    attest = forms.BooleanField(
        label=_("I confirm that this decision was made in good faith, for a legitimate business purpose and "
                "consistent with our contract with this partner."),
        required=True,
    )


class CombinedInvitationForm(forms.Form):
    provider = forms.ChoiceField(label=_("Indirect provider"))
    include_dap = forms.BooleanField(label=_("Include delegated administration privileges"), required=False)
    customer_email = forms.EmailField(label=_("Customer email"), required=False, max_length=254)

    def __init__(self, *args: object, providers: list, allow_dap: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["provider"].choices = [(str(p.id), f"{p.name} ({p.mpn_id})") for p in providers]
        if not allow_dap:
            del self.fields["include_dap"]
