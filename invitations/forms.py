from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from invitations.drafts import MAX_BODY, MAX_SUBJECT
from invitations.models import DapChoice


class RelationshipRequestForm(forms.Form):
    include_dap = forms.BooleanField(label=_("Include delegated administration privileges"), required=False)
    customer_email = forms.EmailField(
        label=_("Customer email"),
        required=False,
        max_length=254,
        help_text=_("Optional. A request addressed to one customer can be used once, only by that address."),
    )
    reusable = forms.BooleanField(
        label=_("Reusable link"),
        required=False,
        help_text=_("Only for links without a customer email: any number of customers may accept it."),
    )

    def __init__(self, *args: object, allow_dap: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not allow_dap:
            del self.fields["include_dap"]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("customer_email") and data.get("reusable"):
            self.add_error("reusable", _("A link addressed to one customer email is always single-use."))
        return data


class DraftForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=MAX_SUBJECT)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 12}), max_length=MAX_BODY)
    token = forms.CharField(widget=forms.HiddenInput, max_length=100)


class AcceptForm(forms.Form):
    dap_choice = forms.ChoiceField(
        label=_("Admin permissions"), choices=DapChoice.choices, required=False, widget=forms.RadioSelect
    )


class CustomerSignupForm(forms.Form):
    """Create the customer organisation and its first Global admin on the acceptance page."""

    company_name = forms.CharField(label=_("Company name"), max_length=200)
    primary_domain = forms.CharField(label=_("Primary domain"), max_length=253,
                                     help_text=_("For example contoso.com. International names are allowed."))
    country = CountryField(blank_label="---------").formfield(label=_("Country"), required=True)
    email = forms.EmailField(label=_("Email"), max_length=254)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(render_value=False), max_length=128,
                               strip=False)

    def clean_company_name(self) -> str:
        value = " ".join(self.cleaned_data["company_name"].split())
        if not value:
            raise forms.ValidationError(_("Enter the company name."))
        if any(ord(ch) < 32 for ch in value):
            raise forms.ValidationError(_("The company name contains characters that are not allowed."))
        return value

    def clean_primary_domain(self) -> str:
        from partnercenter.domains import InvalidDomain, normalize_domain

        try:
            return normalize_domain(self.cleaned_data["primary_domain"])
        except InvalidDomain as exc:
            raise forms.ValidationError(exc.message) from None

    def clean(self) -> dict:
        from django.contrib.auth.password_validation import validate_password

        data = super().clean()
        password = data.get("password")
        if password:
            try:
                from partnercenter.models import User

                validate_password(password, User(email=data.get("email") or ""))
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class BulkInvitationForm(forms.Form):
    """"Invite many customers": the CSV, admin permissions and the draft every row's mail is made of."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("One customer per line: email, optional company name, optional language (de, en or hu). "
                    "UTF-8, separated by ; or , — up to 10,000 rows."),
    )
    include_dap = forms.BooleanField(label=_("Include delegated administration privileges"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=MAX_SUBJECT)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 12}), max_length=MAX_BODY,
                           help_text=_("[LINK] is replaced by each customer's personal link. Keep it in the message."))

    def __init__(self, *args: object, allow_dap: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"
        if not allow_dap:
            del self.fields["include_dap"]
