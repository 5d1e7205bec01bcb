"""Forms of the partner's GDAP pages. Validation of shape only: every GDAP rule (name length and
uniqueness, known roles, duration range, auto-extend with Global Administrator) is gdap.rules', raised
by the services as typed errors and shown beside the field the error names."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gdap.forms.durations import CUSTOM, CUSTOM_LABEL, DEFAULT_DAYS, DURATION_PRESETS
from invitations.forms import DraftForm
from partnercenter.errors import DomainError


class RoleIdsField(forms.Field):
    """The role ids ticked, as posted (strings): gdap.rules.roles_clean says which one is unknown."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: object) -> list[str]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(v)[:100] for v in values][:200]


class RelationshipRequestForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"), required=False, strip=False, max_length=500,
        help_text=_("Unique among your admin relationships, at most 50 characters. The customer sees it."),
    )
    roles = RoleIdsField(label=_("Roles"), required=False)
    preset = forms.TypedChoiceField(
        label=_("Duration"), coerce=str, initial=str(DEFAULT_DAYS),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        choices=[*((str(days), label) for days, label in DURATION_PRESETS), (CUSTOM, CUSTOM_LABEL)],
    )
    duration = forms.CharField(
        label=_("Custom duration in days"), required=False, max_length=40,
        help_text=_("1 to 730 days, or ISO 8601 such as P120D."),
    )
    auto_extend = forms.BooleanField(
        label=_("Auto-extend by 180 days"), required=False,
        help_text=_("Not available while Global Administrator is among the roles."),
    )
    template = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # The 50-character rule is the service's (its message says how long the name is); the browser
        # must not cut what was typed.
        self.fields["display_name"].widget.attrs.pop("maxlength", None)
        self.fields["duration"].widget.attrs.update({"inputmode": "numeric", "class": "duration-custom"})

    def rule_errors(self, partner: Any) -> list[DomainError]:
        """Every field's gdap.rules refusal at once (the service stops at the first and checks again)."""
        from gdap import rules

        found: list[DomainError] = []
        roles: list = []
        checks = (
            lambda: rules.display_name_clean(partner=partner, value=self.cleaned_data["display_name"]),
            lambda: roles.extend(rules.roles_clean(self.cleaned_data["roles"])),
            lambda: rules.duration_parse(self.duration_value()),
            lambda: rules.auto_extend_check(roles=roles, auto_extend=rules.auto_extend_parse(
                self.cleaned_data["auto_extend"])),
        )
        for check in checks:
            try:
                check()
            except DomainError as exc:
                found.append(exc)
        return found

    def duration_value(self) -> int | str:
        """What to pass to the service: the preset's days, else the custom text (a number of days or ISO)."""
        preset = self.cleaned_data.get("preset")
        if preset != CUSTOM:
            return int(preset)
        text = (self.cleaned_data.get("duration") or "").strip()
        if text.isdigit():
            return min(int(text), 10**6)  # out of range either way; never an overflowing timedelta
        return text


class EtagForm(forms.Form):
    """The ETag the page was drawn with (gdap.rules.etag_check compares it); the edit forms extend it."""

    etag = forms.CharField(widget=forms.HiddenInput, max_length=200)


class AutoExtendForm(EtagForm):
    auto_extend = forms.BooleanField(label=_("Auto-extend by 180 days"), required=False)


class AssignmentForm(EtagForm):
    """"Add security group" (a group of the partner and roles of the relationship) and its edit (roles);
    adding has no ETag yet."""

    security_group = forms.CharField(label=_("Security group"), required=False, max_length=64)
    roles = RoleIdsField(label=_("Roles"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["etag"].required = False


class ApprovalDraftForm(DraftForm):
    """F2's draft (subject, body, token) and, besides the customer's Global admins, one more address."""

    email = forms.CharField(
        label=_("Also send the draft to"), required=False, max_length=320,
        help_text=_("Optional. This address gets the text above; the customer's Global admins get the "
                    "request in their own language."),
    )
