"""Forms of the Users pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members.rules import ROLE_ORDER, SEED_MAPPING
from partnercenter.roles import Role


def role_choices() -> list[tuple[str, str]]:
    """Each partner role, with seed 001's name of the administration it gives where there is one."""
    choices = []
    for role in ROLE_ORDER:
        label = Role(role).label
        if role in SEED_MAPPING:
            label = _("%(role)s (%(administration)s)") % {"role": label, "administration": SEED_MAPPING[role]}
        choices.append((role.value, label))
    return choices


class MemberRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(label=_("Roles"), widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices()


class SecurityGroupAddForm(forms.Form):
    """The user's page: one of the partner's security groups the user is not in yet (`choosable`)."""

    group = forms.ModelChoiceField(queryset=None, label=_("Security group"), empty_label=_("Choose a security group"),
                                   error_messages={"required": _("Choose a security group."),
                                                   "invalid_choice": _("Choose a security group.")})

    def __init__(self, *args, choosable, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = choosable
