"""The duration presets of the forms that choose a relationship's duration (Request admin relationship,
role templates). Each form posts its own value form (days, or ISO 8601 days); "custom" reads the days
typed beside the presets (static/js/app.js chooses "Custom" as they are typed: data-duration-custom)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CUSTOM = "custom"
CUSTOM_LABEL = _("Custom")
DEFAULT_DAYS = 730
# (days, label), shortest first.
DURATION_PRESETS = (
    (30, _("30 days")),
    (90, _("90 days")),
    (180, _("180 days")),
    (365, _("1 year")),
    (730, _("2 years")),
)
PRESET_DAYS = frozenset(days for days, _label in DURATION_PRESETS)
