from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from partnercenter.events import kind_choices
from partnercenter.models import CompanyProfile


def phone_normalize(value: str, region: str | None) -> str | None:
    """International format of a valid number, or None."""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def quantity_message(low: int, high: int) -> str:
    """The product's one wording for a quantity out of range or not a whole number."""
    return _("Enter a quantity from %(min)d to %(max)d.") % {"min": low, "max": high}


class QuantityField(forms.IntegerField):
    """A license quantity from `low` to `high`; with `allow_zero`, 0 (or empty) also means "none".
    Every refusal (not a number, too small, too large, a fraction) is worded as quantity_message()."""

    def __init__(self, *, low: int, high: int, allow_zero: bool = False, **kwargs: object) -> None:
        message = quantity_message(low, high)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"min": 0 if allow_zero else low, "max": high}))
        super().__init__(min_value=0 if allow_zero else low, max_value=high,  # type: ignore[arg-type]
                         error_messages={"invalid": message, "min_value": message, "max_value": message,
                                         "step_size": message}, **kwargs)
        self.low, self.allow_zero, self.message = low, allow_zero, message

    def validate(self, value: object) -> None:
        super().validate(value)
        if self.allow_zero and isinstance(value, int) and 0 < value < self.low:
            raise forms.ValidationError(self.message, code="min_value")


class CompanyProfileForm(forms.ModelForm):
    class Meta:
        model = CompanyProfile
        fields = [
            "legal_name", "phone", "support_email", "website", "address_line1", "address_line2", "city",
            "postal_code", "country",
        ]

    def clean(self) -> dict:
        data = super().clean()
        value = (data.get("phone") or "").strip()
        if value:
            region = str(data.get("country") or self.instance.tenant.country or "") or None
            formatted = phone_normalize(value, region)
            if formatted is None:
                self.add_error("phone", _("Enter a valid phone number, for example +49 30 123456."))
            else:
                data["phone"] = formatted
        return data

    def clean_legal_name(self) -> str:
        value = " ".join(self.cleaned_data["legal_name"].split())
        if not value:
            raise forms.ValidationError(_("Enter the legal name."))
        return value


def _kind_choices() -> list[tuple[str, object]]:
    """Built from the event registry when the form is made, so every app's kinds are listed."""
    return [("", _("All kinds")), *kind_choices()]


class ActivityFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_kind_choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    actor = forms.CharField(label=_("Actor"), required=False, max_length=100,
                            widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("Email")}))
    customer = forms.CharField(label=_("Customer"), required=False, max_length=100,
                               widget=forms.TextInput(attrs={"class": "form-control"}))
    date_from = forms.DateField(label=_("Since"), required=False,
                                widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    date_to = forms.DateField(label=_("Until"), required=False,
                              widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("date_from"), data.get("date_to")
        if since and until and since > until:
            self.add_error("date_to", _("Enter a date on or after the “Since” date."))
        return data

    def filters(self) -> dict:
        """The filters to apply. Call only when the form is valid: a bad filter is a message beside
        its field, never silently dropped (the page then lists nothing until it is corrected)."""
        if not self.is_bound:
            return {}
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.fields if data.get(name)}
