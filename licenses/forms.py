"""Validation of the Licenses forms; the rules (seats, status, whose users) are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from licenses.rules import MAX_USERS_AT_ONCE


class UserIdsField(forms.Field):
    """The ids of the users ticked in the list (the template renders the checkboxes)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Choose at least one user."),
        "invalid": _("Choose users from the list."),
        "too_many": _("Choose at most %(max)d users at once."),
    }

    def to_python(self, value: object) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if len(values) > MAX_USERS_AT_ONCE:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many",
                                        params={"max": MAX_USERS_AT_ONCE})
        try:
            ids = [int(str(item)) for item in values]
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if any(item <= 0 or item > 2**63 - 1 for item in ids):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return ids


class AssignForm(forms.Form):
    users = UserIdsField(label=_("Users"))
