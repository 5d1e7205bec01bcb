from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PartnershipRequestForm(forms.Form):
    reseller_mpn_id = forms.RegexField(
        label=_("Reseller MPN ID"), regex=r"^\d{7}$", required=False, max_length=7,
        error_messages={"invalid": _("An MPN ID has 7 digits.")},
        help_text=_("Optional. A registered indirect reseller also sees the request on its Indirect providers page."),
    )
    email = forms.EmailField(label=_("Reseller email"), required=False, max_length=254,
                             help_text=_("Optional. Needed to send the request from the portal."))


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
