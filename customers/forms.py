from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partnercenter.domains import InvalidDomain, normalize_domain
from partnercenter.forms import phone_normalize
from partnercenter.models import Tenant
from resellers.forms import reseller_field


class AccountInfoForm(forms.Form):
    """Step 1 of Add customer: the organisation, its primary contact and the customer agreement."""

    company_name = forms.CharField(label=_("Company name"), max_length=200)
    primary_domain = forms.CharField(label=_("Primary domain"), max_length=253,
                                     help_text=_("For example contoso.com. International names are allowed."))
    address_line1 = forms.CharField(label=_("Address"), max_length=200)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20)
    city = forms.CharField(label=_("City"), max_length=100)
    country = CountryField(blank_label="---------").formfield(label=_("Country"), required=True)
    contact_first_name = forms.CharField(label=_("First name"), max_length=100)
    contact_last_name = forms.CharField(label=_("Last name"), max_length=100)
    contact_email = forms.EmailField(label=_("Email"), max_length=254)
    contact_phone = forms.CharField(label=_("Phone"), max_length=32)
    attest = forms.BooleanField(
        label=_("The customer has accepted the customer agreement."), required=True,
    )
    signer_name = forms.CharField(label=_("Signer name"), max_length=200)
    signer_email = forms.EmailField(label=_("Signer email"), max_length=254)
    accepted_on = forms.DateField(label=_("Acceptance date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, provider: Tenant | None, **kwargs: object) -> None:
        """`provider`: the indirect provider adding the customer (it may name a reseller), else None."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if provider is not None:
            self.fields["reseller"] = reseller_field(
                provider=provider, label=_("Indirect reseller"), empty_label=_("None (your own customer)"),
                empty_help=_("The reseller's MPN ID; leave it empty for your own customer."),
            )

    def _text(self, name: str) -> str:
        value = " ".join(self.cleaned_data[name].split())
        if not value:
            raise forms.ValidationError(_("This field is required."))
        return value

    def clean_company_name(self) -> str:
        return self._text("company_name")

    def clean_contact_first_name(self) -> str:
        return self._text("contact_first_name")

    def clean_contact_last_name(self) -> str:
        return self._text("contact_last_name")

    def clean_signer_name(self) -> str:
        return self._text("signer_name")

    def clean_primary_domain(self) -> str:
        try:
            normalize_domain(self.cleaned_data["primary_domain"])
        except InvalidDomain as exc:
            raise forms.ValidationError(exc.message) from None
        # Kept as typed (Unicode is fine); stored as punycode when the customer is created.
        return self.cleaned_data["primary_domain"].strip()

    def clean_accepted_on(self):  # noqa: ANN201
        value = self.cleaned_data["accepted_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The acceptance date cannot be in the future."))
        return value

    def clean(self) -> dict:
        data = super().clean()
        phone = data.get("contact_phone")
        if phone:
            formatted = phone_normalize(phone, str(data.get("country") or "") or None)
            if formatted is None:
                self.add_error("contact_phone", _("Enter a valid phone number, for example +49 30 123456."))
            else:
                data["contact_phone"] = formatted
        return data


class RemoveRelationshipForm(forms.Form):
    """The confirmation of "Remove reseller relationship": the agreement to the attestation, and the
    relationship the page showed (a page older than the removal must not end a newer relationship)."""

    attest = forms.BooleanField(label=_("I have read and agree to the statement above."), required=True,
                                error_messages={"required": _("Agree to the statement to remove the relationship.")})
    relationship = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1, error_messages={
        key: _("This page is out of date. Open it again from the customer's Account page.")
        for key in ("required", "invalid", "min_value", "max_value", "max_digits")})
