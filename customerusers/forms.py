"""The Add user and Edit forms (validation of shapes only; the rules are customerusers.rules)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from customerusers.rules import LOCAL_MAX, ROLES
from partnercenter.domains import domain_to_unicode
from partnercenter.roles import Role

ROLE_HINTS = {
    Role.CUSTOMER_GLOBAL_ADMIN: _("Global admin (manages the organisation, its partners and admin permissions)"),
    Role.CUSTOMER_USER: _("User (signs in and uses the services, no admin rights)"),
}


def _role_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Role"), choices=[(role.value, ROLE_HINTS[role]) for role in ROLES],
                             widget=forms.RadioSelect, initial=Role.CUSTOMER_USER)


class CustomerUserEditForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = _role_field()


class CustomerUserAddForm(CustomerUserEditForm):
    # The part before the @, with the domain chosen beside it; a whole address pasted here works too (its
    # domain must be one of the customer's; customerusers.rules.user_name_address).
    user_name = forms.CharField(label=_("User name"), max_length=LOCAL_MAX + 1 + 253,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                                              "autocapitalize": "none"}))
    domain = forms.ChoiceField(label=_("Domain"))

    field_order = ["first_name", "last_name", "user_name", "domain", "role"]

    def __init__(self, *args: object, domains: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["domain"].choices = [(d, f"@{domain_to_unicode(d)}") for d in domains]
        # A domain outside the list is the rule's message beside the field, not the form's "invalid choice".
        self.fields["domain"].valid_value = lambda value: True  # type: ignore[method-assign]
