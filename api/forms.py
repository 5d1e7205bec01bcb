"""The Register app form: a name, per area no access / read-only / read and write, and the roles the app
acts with (those the registering user could grant anyone, with seed 001's names like the Users pages)."""

from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import AREA_LABELS, LEVEL_LABELS, SCOPE_AREAS
from api.rules import NAME_MAX
from members.forms import role_choices

LEVELS = [("", _("No access")), *LEVEL_LABELS.items()]


class AppRegisterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX,
                           help_text=_("For example the program or script that uses it."),
                           error_messages={"required": _("Enter a name for the app.")})
    # Not an input: where the service's "choose at least one scope" error is shown (beside the areas).
    scopes = forms.CharField(required=False, widget=forms.HiddenInput)
    # One key per opened form (api.services.api_app_create: the same form sent twice registers once).
    registration_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    roles = forms.MultipleChoiceField(label=_("Roles the app acts with"), widget=forms.CheckboxSelectMultiple,
                                      required=False,
                                      help_text=_("Never more than your own roles allow you to grant."))

    def __init__(self, *args: object, grantable: set[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["registration_key"].initial = secrets.token_urlsafe(24)
        for area in SCOPE_AREAS:
            self.fields[f"scope_{area}"] = forms.ChoiceField(
                label=AREA_LABELS[area], choices=LEVELS, required=False, initial="",
                widget=forms.RadioSelect, error_messages={"invalid_choice": _("Choose a level from the list.")})
        self.fields["roles"].choices = [(value, label) for value, label in role_choices() if value in grantable]
        self.fields["roles"].error_messages["invalid_choice"] = _("Choose roles from the list.")

    def scope_fields(self) -> list[forms.BoundField]:
        return [self[f"scope_{area}"] for area in SCOPE_AREAS]

    def chosen_scopes(self) -> list[str]:
        """The chosen scopes (after is_valid()): `<area>.read` or `<area>.write` per area with access."""
        return [f"{area}.{self.cleaned_data[f'scope_{area}']}" for area in SCOPE_AREAS
                if self.cleaned_data.get(f"scope_{area}")]


class AppRotateForm(forms.Form):
    # The secret version the page showed: a stale page (another rotation since) rotates nothing.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    end_old_secret = forms.BooleanField(
        label=_("End the old secret now"), required=False,
        help_text=_("For a secret that leaked: programs using the old secret, and the tokens they hold, stop "
                    "at once instead of after the grace period."))

    def choices(self) -> tuple[int, bool]:
        """(the expected secret version, end the old secret now) of a sent form; a form without a
        readable version names version 0, which is stale by definition."""
        self.is_valid()
        return self.cleaned_data.get("version") or 0, bool(self.cleaned_data.get("end_old_secret"))
