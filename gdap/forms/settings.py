"""Forms of the partner settings pages: security groups (and their members) and role templates with their
group → roles lines. The rules themselves are gdap.rules: the forms call them so that every bad input is
shown beside its field at once; the services check again and stay the authority."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gdap import rules
from gdap.forms.durations import CUSTOM, CUSTOM_LABEL, DEFAULT_DAYS, DURATION_PRESETS, PRESET_DAYS
from gdap.models import AUTO_EXTEND_DURATION, SecurityGroup
from gdap.picker import role_choices
from gdap.services.groups import NAME_MAX
from partnercenter.errors import Invalid

TEMPLATE_NAME_MAX = 100
DESCRIPTION_MAX = 500
# The presets as ISO 8601 days (P30D … P730D), then "custom" (duration_days).
DURATION_CHOICES = [*((f"P{days}D", label) for days, label in DURATION_PRESETS), (CUSTOM, CUSTOM_LABEL)]


def _name_field(max_length: int) -> forms.CharField:
    return forms.CharField(label=_("Name"), max_length=max_length, error_messages={
        "required": _("Enter a name."),
        "max_length": _("The name can have at most %(limit_value)d characters (it has %(show_value)d)."),
    })


def _description_field() -> forms.CharField:
    return forms.CharField(label=_("Description"), required=False, max_length=DESCRIPTION_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}))


class SecurityGroupForm(forms.Form):
    name = _name_field(NAME_MAX)
    description = _description_field()


class MemberAddForm(forms.Form):
    """Who to add: one of the partner's users (the queryset); anyone else is refused beside the field."""

    user = forms.ModelChoiceField(queryset=None, label=_("Partner user"), empty_label=_("Choose a user"),
                                  error_messages={"required": _("Choose a user of your organisation."),
                                                  "invalid_choice": _("Choose a user of your organisation.")})

    def __init__(self, *args: Any, users: Any, choosable: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = users
        # The list offers those not in the group yet; adding one twice (a second click) changes nothing.
        shown = choosable if choosable is not None else users
        field.choices = [("", field.empty_label), *((user.pk, _user_label(user)) for user in shown)]


def _user_label(user: Any) -> str:
    name = user.get_full_name().strip()
    return f"{name} <{user.email}>" if name else user.email


class RoleTemplateForm(forms.Form):
    name = _name_field(TEMPLATE_NAME_MAX)
    description = _description_field()
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=(), required=False)
    duration = forms.ChoiceField(label=_("Duration"), choices=DURATION_CHOICES, initial=f"P{DEFAULT_DAYS}D",
                                 widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    duration_days = forms.IntegerField(label=_("Custom duration in days"), required=False, min_value=1, max_value=730,
                                       widget=forms.NumberInput(attrs={"data-duration-custom": "duration"}),
                                       error_messages={"min_value": _("Enter 1 to 730 days."),
                                                       "max_value": _("Enter 1 to 730 days."),
                                                       "invalid": _("Enter 1 to 730 days.")})
    auto_extend = forms.BooleanField(
        label=_("Auto-extend by 180 days"), required=False,
        help_text=_("Relationships requested from this template extend themselves before they end. Not available "
                    "while Global Administrator is among the roles."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices()
        self.role_rows: list[Any] = []

    @classmethod
    def initial_for(cls, template: Any) -> dict[str, Any]:
        days = template.duration.days
        preset = f"P{days}D" if days in PRESET_DAYS else None
        return {"name": template.name, "description": template.description,
                "roles": [str(role.pk) for role in template.roles.all()],
                "duration": preset or CUSTOM, "duration_days": None if preset else days,
                "auto_extend": bool(template.auto_extend_duration)}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            self.role_rows = rules.roles_clean(data.get("roles") or [])
        except Invalid as exc:
            self.add_error("roles", exc.message)
        choice = data.get("duration")
        if choice == CUSTOM:
            if data.get("duration_days") is None and "duration_days" not in self.errors:
                self.add_error("duration_days", _("Enter 1 to 730 days."))
            data["duration_value"] = timedelta(days=data["duration_days"]) if data.get("duration_days") else None
        elif choice:
            data["duration_value"] = rules.duration_parse(choice)
        extend = AUTO_EXTEND_DURATION if data.get("auto_extend") else timedelta(0)
        data["auto_extend_value"] = extend
        try:
            rules.auto_extend_check(roles=self.role_rows, auto_extend=extend)
        except Invalid as exc:
            self.add_error("auto_extend", exc.message)
        return data


class AssignmentLineForm(forms.Form):
    """One group → roles line of a template; a line left empty is ignored."""

    security_group = forms.ModelChoiceField(queryset=SecurityGroup.objects.none(), label=_("Security group"),
                                            required=False, empty_label=_("Choose a security group"),
                                            error_messages={"invalid_choice": _("Choose one of your security groups.")})
    roles = forms.MultipleChoiceField(label=_("Roles for this group"), choices=(), required=False)

    def __init__(self, *args: Any, groups: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if groups is not None:
            self.fields["security_group"].queryset = groups
        self.fields["roles"].choices = role_choices()


class BaseAssignmentFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this security group from the template")

    def lines(self, template_roles: list[Any]) -> list[tuple[SecurityGroup, list[Any]]] | None:
        """The (group, roles) lines, each checked against the template's roles (those of the form, even when
        another of its fields is wrong) beside its own row; None when any row is wrong."""
        lines, seen, ok = [], set(), self.is_valid()
        for form in self.forms:
            if not getattr(form, "cleaned_data", None) or form.cleaned_data.get("DELETE"):
                continue
            group, roles = form.cleaned_data.get("security_group"), form.cleaned_data.get("roles") or []
            if group is None and not roles:
                continue
            if group is None:
                form.add_error("security_group", _("Choose a security group."))
                ok = False
                continue
            if group.pk in seen:
                form.add_error("security_group", _("Each security group can appear once."))
                ok = False
            seen.add(group.pk)
            try:
                rows = rules.roles_clean(roles, field="roles")
                if template_roles:  # else the template's own roles are wrong, and said so beside them
                    rules.roles_subset_check(rows, template_roles, field="roles")
            except Invalid as exc:
                message = (_("These roles are not among the template's roles: %(roles)s.") % exc.params
                           if "roles" in exc.params and roles else exc.message)
                form.add_error("roles", message)
                ok = False
                continue
            lines.append((group, rows))
        return lines if ok else None


AssignmentFormSet = forms.formset_factory(AssignmentLineForm, formset=BaseAssignmentFormSet, extra=1, can_delete=True,
                                          max_num=100, validate_max=True)
