"""The Add webhook / Edit webhook form: the URL (checked by the service, which says what is wrong) and
the events."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from webhooks.catalog import EVENT_NAMES, event_labels
from webhooks.rules import MAX_URL


def _choices() -> list[tuple[str, str]]:
    labels = event_labels()
    return [(name, f"{name} — {labels[name]}") for name in EVENT_NAMES]


class WebhookForm(forms.Form):
    url = forms.CharField(
        label=_("URL"), max_length=MAX_URL, strip=True,
        help_text=_("An https:// address on the internet that answers POST requests with a 2xx status."),
        widget=forms.URLInput(attrs={"autocomplete": "url", "placeholder": "https://hooks.example.com/partner-center"}),
        error_messages={"max_length": _("The webhook URL is too long (at most 2000 characters).")},
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=_choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
