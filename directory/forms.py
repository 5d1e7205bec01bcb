"""Validation only: the provider's listing form (with one row per location) and the operator's reason."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from directory import logos
from directory.models import MAX_LOCATIONS
from directory.rules import NAME_MAX, REASON_MAX, URL_MAX, target_url_error
from partnercenter.errors import DomainError

EXTRA_ROWS = 2


class ListingForm(forms.Form):
    name = forms.CharField(label=_("Name shown"), max_length=NAME_MAX,
                           help_text=_("How your company is named in the directory."))
    listed = forms.BooleanField(label=_("List my company in the directory"), required=False)
    logo = forms.FileField(
        label=_("Logo"), required=False,
        help_text=lazy(lambda: gettext("PNG or JPEG, up to %(kb)s KB and %(side)s × %(side)s pixels. SVG is not "
                                       "accepted.") % {"kb": logos.DEFAULT_MAX_BYTES // 1024, "side": logos.MAX_SIDE},
                       str)(),  # in the reader's language, not the one at import
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def clean_logo(self) -> logos.Logo | None:
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        try:
            return logos.logo_checked(upload)
        except DomainError as exc:  # worded beside the field
            raise forms.ValidationError(exc.message) from None


class LocationForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False,
                                choices=lambda: [("", "—"), *list(countries)])
    url = forms.CharField(label=_("Target URL"), required=False, max_length=URL_MAX,
                          widget=forms.URLInput(attrs={"placeholder": "https://"}))

    def clean(self) -> dict:
        data = super().clean()
        country, url = data.get("country"), (data.get("url") or "").strip()
        if not country and not url:
            return data  # an empty row: ignored
        if not country:
            self.add_error("country", _("Choose a country for this target URL."))
        problem = target_url_error(url)
        if problem is not None:
            self.add_error("url", problem)
        return data


class BaseLocationFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            country = form.cleaned_data.get("country")
            if country and country in seen:
                form.add_error("country", _("Each country may appear only once."))
            seen.add(country)

    def rows(self) -> list[dict[str, str]]:
        return [{"country": f.cleaned_data["country"], "url": f.cleaned_data["url"].strip()}
                for f in self.forms if f.cleaned_data.get("country")]


LocationFormSet = formset_factory(LocationForm, formset=BaseLocationFormSet, extra=EXTRA_ROWS,
                                  max_num=MAX_LOCATIONS, validate_max=True, absolute_max=MAX_LOCATIONS)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("The provider's Global admins see this reason and receive it by email."))
