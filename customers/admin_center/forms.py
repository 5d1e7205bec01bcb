"""Validation of the Partner relationships forms. The rules (what is held, who is a reseller) are the
services' business; these only check the shape of what was posted."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Service


class DapRemoveForm(forms.Form):
    services = forms.MultipleChoiceField(
        label=_("Services"), choices=Service.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one service."),
                        "invalid_choice": _("Choose at least one service.")},
    )


class DapReassignForm(DapRemoveForm):
    new_partner = forms.UUIDField(
        label=_("New admin partner"),
        error_messages={"required": _("Choose the partner that gets the admin permissions."),
                        "invalid": _("Choose the partner that gets the admin permissions.")},
    )
