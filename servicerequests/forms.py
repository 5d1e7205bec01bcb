"""Forms of the service request pages: validation of the shape only; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from servicerequests import files
from servicerequests.models import TITLE_MAX, Category, Severity, Status


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):  # noqa: ANN001, ANN201
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _attachments_field() -> MultipleFileField:
    return MultipleFileField(label=_("Attachments"), help_text=_(
        "Optional. Up to %(count)s files of these types: %(types)s; each up to %(limit)s.") % {
        "count": files.MAX_FILES, "types": files.ALLOWED_LABEL, "limit": files.human_size(files.max_bytes())})


def _long_text(label: str, rows: int, help_text: str = "") -> forms.CharField:
    # No max_length here: a browser would cut pasted text at maxlength without a word; the service says
    # how long it may be, beside the field, and the text is kept.
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), strip=True,
                           help_text=help_text)


def _assignee_field(users: list, label: str = "") -> forms.ChoiceField:
    choices = [("", _("Nobody"))] + [(str(u.pk), u.get_full_name() or u.email) for u in users]
    return forms.ChoiceField(label=label or _("Assignee"), choices=choices, required=False, error_messages={
        "invalid_choice": _("Choose one of your organisation's users who work on service requests.")})


class ServiceRequestForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, error_messages={"required": _("Enter a title.")})
    description = _long_text(_("Description"), 8, _("What happens, since when, who is affected. Up to 10,000 "
                                                     "characters."))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.C,
                                 help_text=_("A (critical): a service is down for many users."))
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("Choose a category"))] + Category.choices,
                                 error_messages={"required": _("Choose a category.")})
    assignee = forms.ChoiceField()
    attachments = _attachments_field()

    def __init__(self, *args, users: list, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["description"].error_messages["required"] = _("Describe the problem.")
        self.fields["assignee"] = _assignee_field(users)
        self.fields["attachments"] = _attachments_field()


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class AssigneeForm(forms.Form):
    assignee = forms.ChoiceField()
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, users: list, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = _assignee_field(users)


class CommentForm(forms.Form):
    body = _long_text(_("Comment"), 5, _("Up to 10,000 characters. Longer text: attach it as a .txt file."))
    attachments = _attachments_field()

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["body"].error_messages["required"] = _("Write a comment.")
        self.fields["attachments"] = _attachments_field()
