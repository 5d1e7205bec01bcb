"""How each kind of activity-log entry reads, in the viewer's language."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from partnercenter.domains import to_unicode
from partnercenter.events import kind_get, kind_label
from partnercenter.models import ActivityLog, CompanyProfile
from partnercenter.text import sentence

# The keys _localise below turns into words; an entry with none of them reads as its data.
_LOCALISED = frozenset({"fields", "services", "offer", "to", "email", "domain", "date", "order_id", "required",
                        "job_kind", "reason_code"})


# What _localise writes from other keys: a template naming one of these needs its sources.
_DERIVED = {"order": ("order_id",), "state": ("required",), "kind": ("job_kind",),
            "reason": ("reason_code", "reason_params")}
_NAMED = re.compile(r"%\((\w+)\)")
_ANY_CONVERSION = re.compile(r"%\(\w+\)s|%%")


def _keys_used(template: str) -> frozenset[str] | None:
    """The data keys _localise must put into words for the template: those it names (and their
    sources) that _localise changes. None when the template has a conversion other than %(name)s."""
    if "%" in _ANY_CONVERSION.sub("", template):
        return None
    named = set(_NAMED.findall(template))
    used = {source for name in named for source in _DERIVED.get(name, ())} | (named & _LOCALISED)
    if used:
        used |= named  # _localise gets the entry with the keys the template names, no others
    return frozenset(used)


def _localise(data: dict[str, Any], words: dict[str, Any] | None = None) -> dict[str, Any]:
    """Codes stored in an entry become words in the reader's language. `words`: a cache of them for
    many entries in one language (an export runs this once per entry); imports only where needed."""
    if _LOCALISED.isdisjoint(data):  # most entries: nothing to put into words, the data as stored
        return data
    words = {} if words is None else words
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
        from customers.models import Service

        if "services" not in words:
            words["services"] = {service.value: str(service.label) for service in Service}
        values["services"] = ", ".join(words["services"].get(code, code) for code in values["services"])
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
        from jobs.registry import kind_label as job_kind_label

        values["kind"] = job_kind_label(values["job_kind"])
    if values.get("offer_kind"):  # an advisor offer's kind (F12), by its label
        from offers.models import OfferKind

        if values["offer_kind"] in OfferKind.values:
            values["offer_kind"] = str(OfferKind(values["offer_kind"]).label)
    if "reason_code" in values:
        from invitations.refusals import refusal_text

        values["reason"] = refusal_text(values["reason_code"], values.get("reason_params"))
    return values


def describe(entry: ActivityLog) -> str:
    """Each app's events.py gives the kind's description; the entry's data fills it in."""
    return Describer()(entry.kind, entry.data)


class Describer:
    """describe() of (kind, data), and kind_label(), for many entries in one language (an export): each
    kind's label and description and the words of _localise are translated once, not once per entry,
    and only the keys a kind's description names are put into words (none for most kinds)."""

    def __init__(self) -> None:
        self.kinds: dict[str, tuple[str, str | None, frozenset[str] | None]] = {}
        self.words: dict[str, Any] = {}

    def _kind(self, kind_value: str) -> tuple[str, str | None, frozenset[str] | None]:
        if kind_value not in self.kinds:
            kind = kind_get(kind_value)
            template = None if kind is None or kind.description is None else str(kind.description)
            self.kinds[kind_value] = (kind_label(kind_value), template,
                                      None if template is None else _keys_used(template))
        return self.kinds[kind_value]

    def label(self, kind_value: str) -> str:
        return (self.kinds.get(kind_value) or self._kind(kind_value))[0]

    def __call__(self, kind_value: str, data: dict | None) -> str:
        label, template, used = self.kinds.get(kind_value) or self._kind(kind_value)
        if template is None:
            return label
        data = data or {}
        try:
            if used is None:  # a template of another shape: the whole entry, as describe() always did
                values = _localise(data, self.words)
            elif used:
                values = _localise({key: data[key] for key in used if key in data}, self.words)
            else:  # the template names no key _localise changes: the data as stored
                values = data
            text = template % values
        except (KeyError, TypeError, ValueError):
            return label
        return sentence(text) if ".." in text else text  # sentence() changes nothing without ".."
