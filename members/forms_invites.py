"""The Invite user form and the invitee's account form."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from partnercenter.roles import Role

# Seed 001's names of the admin permissions a partner user gets for its customers, shown with the roles.
ROLE_HINTS = {
    Role.ADMIN_AGENT: _("Full administration of supported companies"),
    Role.HELPDESK_AGENT: _("Limited administration of supported companies"),
}


class InviteForm(forms.Form):
    email = forms.CharField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    name = forms.CharField(label=_("Name"), max_length=150)
    roles = forms.MultipleChoiceField(label=_("Roles"), widget=forms.CheckboxSelectMultiple)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES,
                                 help_text=_("The invitation is written in this language."))

    def __init__(self, *args: object, grantable: set[str], language: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = []
        for role in Role:
            if role in grantable:
                hint = ROLE_HINTS.get(role)
                choices.append((role.value, f"{role.label} ({hint})" if hint else role.label))
        self.fields["roles"].choices = choices
        if language:
            self.fields["language"].initial = language


class InviteSignupForm(forms.Form):
    password = forms.CharField(label=_("Password"), max_length=128, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(label=_("Password (again)"), max_length=128, strip=False,
                                     widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("The two passwords differ."))
        return data
