"""Forms of the bulk pages: validation only (the selection itself is read from the query string)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gdap.models import RoleTemplate
from partnercenter.models import Tenant


class BulkRequestForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Role template"), queryset=RoleTemplate.objects.none(), widget=forms.RadioSelect, empty_label=None,
        error_messages={"required": _("Choose a role template."),
                        "invalid_choice": _("Choose one of your role templates.")},
    )

    def __init__(self, *args, partner: Tenant, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        # Another partner's template id is not a choice: "Choose one of your role templates."
        self.fields["template"].queryset = RoleTemplate.objects.visible_to(partner).prefetch_related("roles")


class BulkRelationshipForm(forms.Form):
    auto_extend = forms.BooleanField(
        label=_("Turn on auto-extend (180 days) as well"), required=False,
        help_text=_("Without Global Administrator, a relationship can extend itself by 180 days when it ends."),
    )
