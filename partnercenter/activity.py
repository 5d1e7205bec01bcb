"""How each kind of activity-log entry reads, in the viewer's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from partnercenter.events import kind_get
from partnercenter.models import ActivityLog
from partnercenter.text import sentence


def _localise(data: dict[str, Any]) -> dict[str, Any]:
    """Codes stored in an entry become words in the reader's language."""
    from customers.models import Service
    from invitations.refusals import refusal_text
    from partnercenter.domains import to_unicode
    from partnercenter.models import CompanyProfile

    values = dict(data)
    if isinstance(values.get("fields"), list):
        labels = []
        for name in values["fields"]:
            try:
                labels.append(str(CompanyProfile._meta.get_field(name).verbose_name))
            except Exception:
                labels.append(name)
        values["fields"] = ", ".join(labels)
    if isinstance(values.get("services"), list):
        values["services"] = ", ".join(
            str(Service(code).label) if code in Service.values else code for code in values["services"]
        )
    if isinstance(values.get("offer"), str):  # stored in English; the seeded names are in the catalog
        from django.utils.translation import gettext

        values["offer"] = gettext(values["offer"]) if values["offer"] else ""
    if "to" in values and not values["to"]:
        values["to"] = str(_("anyone with the link"))
    if "email" in values and not values["email"]:
        values["email"] = str(_("anyone with the link"))
    for key in ("email", "to", "domain"):
        if isinstance(values.get(key), str):
            values[key] = to_unicode(values[key])  # people read Unicode; entries keep what was stored
    if isinstance(values.get("date"), str):
        from datetime import date

        from django.utils.formats import date_format

        try:
            values["date"] = date_format(date.fromisoformat(values["date"]), "SHORT_DATE_FORMAT")
        except ValueError:
            pass
    if "order_id" in values and "order" not in values:  # the full id is kept; the sentence shows its start
        values["order"] = str(values["order_id"])[:8]
    if "required" in values:
        values["state"] = str(_("required") if values["required"] else _("optional"))
    if "job_kind" in values:  # a background job's kind, by its registered name
        from jobs.registry import kind_label

        values["kind"] = kind_label(values["job_kind"])
    if values.get("offer_kind"):  # an advisor offer's kind (F12), by its label
        from offers.models import OfferKind

        if values["offer_kind"] in OfferKind.values:
            values["offer_kind"] = str(OfferKind(values["offer_kind"]).label)
    if "reason_code" in values:
        values["reason"] = refusal_text(values["reason_code"], values.get("reason_params"))
    return values


def describe(entry: ActivityLog) -> str:
    """Each app's events.py gives the kind's description; the entry's data fills it in."""
    kind = kind_get(entry.kind)
    template = kind.description if kind is not None else None
    if template is None:
        return entry.get_kind_display()
    try:
        return sentence(str(template) % _localise(entry.data or {}))
    except (KeyError, TypeError, ValueError):
        return entry.get_kind_display()
