"""How each kind of activity-log entry reads, in the viewer's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from partnercenter.models import ActivityKind, ActivityLog
from partnercenter.text import sentence

DESCRIPTIONS = {
    ActivityKind.TENANT_CREATED: _("Tenant %(name)s was created."),
    ActivityKind.PROFILE_UPDATED: _("The company profile was updated (%(fields)s)."),
    ActivityKind.MFA_POLICY: _("Two-factor authentication is now %(state)s for every user."),
    ActivityKind.REQUEST_CREATED: _("Relationship request …%(last4)s created for %(email)s."),
    ActivityKind.REQUEST_SENT: _("Relationship request …%(last4)s emailed to %(email)s."),
    ActivityKind.REQUEST_RESENT: _("Relationship request re-issued; the old link …%(old_last4)s no longer works."),
    ActivityKind.REQUEST_REVOKED: _("Relationship request …%(last4)s revoked."),
    ActivityKind.REQUEST_EXPIRED: _("Relationship request …%(last4)s expired."),
    ActivityKind.REQUEST_ACCEPTED: _("%(customer)s accepted the relationship request from %(partner)s."),
    ActivityKind.REQUEST_DECLINED: _("%(customer)s declined the relationship request from %(partner)s."),
    ActivityKind.ACCEPTANCE_FAILED: _("Acceptance by %(customer)s was refused: %(reason)s"),
    ActivityKind.RELATIONSHIP_CREATED: _("Reseller relationship between %(partner)s and %(customer)s created."),
    ActivityKind.RELATIONSHIP_REMOVED: _("%(partner)s removed its reseller relationship with %(customer)s."),
    ActivityKind.ASSOCIATION_REMOVED: _("%(customer)s is no longer associated with %(reseller)s under %(provider)s."),
    ActivityKind.ASSOCIATION_CREATED: _("%(customer)s is now associated with %(reseller)s under %(provider)s."),
    ActivityKind.CUSTOMER_ADDED: _("%(partner)s added the customer %(customer)s (%(domain)s)."),
    ActivityKind.DAP_GRANTED: _("Delegated admin permissions for %(services)s granted to %(partner)s."),
    ActivityKind.DAP_REMOVED: _("Delegated admin permissions for %(services)s removed from %(partner)s."),
    ActivityKind.AGREEMENT_RECORDED: _("Customer agreement of %(customer)s recorded (signed by %(signer)s on %(date)s)."),
    ActivityKind.PARTNERSHIP_REQUESTED: _("Partnership request …%(last4)s created for %(to)s."),
    ActivityKind.PARTNERSHIP_SENT: _("Partnership request …%(last4)s emailed to %(to)s."),
    ActivityKind.PARTNERSHIP_RESENT: _("Partnership request re-issued; the old link …%(old_last4)s no longer works."),
    ActivityKind.PARTNERSHIP_REVOKED: _("Partnership request …%(last4)s revoked."),
    ActivityKind.PARTNERSHIP_EXPIRED: _("Partnership request …%(last4)s expired."),
    ActivityKind.PARTNERSHIP_ACCEPTED: _("%(reseller)s accepted the partnership with %(provider)s."),
    ActivityKind.PARTNERSHIP_DECLINED: _("%(reseller)s declined the partnership request of %(provider)s."),
    ActivityKind.PARTNERSHIP_REMOVED: _("The partnership between %(provider)s and %(reseller)s was removed."),
    ActivityKind.ORDER_PLACED: _("Order %(order)s placed for %(customer)s: %(lines)s."),
    ActivityKind.SUBSCRIPTION_QUANTITY: _("%(offer)s for %(customer)s: quantity %(old)s → %(new)s."),
    ActivityKind.SUBSCRIPTION_SUSPENDED: _("%(offer)s for %(customer)s suspended."),
    ActivityKind.SUBSCRIPTION_REACTIVATED: _("%(offer)s for %(customer)s reactivated."),
    ActivityKind.SUBSCRIPTION_CANCELLED: _("%(offer)s for %(customer)s cancelled."),
    ActivityKind.SUBSCRIPTION_SUPPORT: _("%(offer)s for %(customer)s: designated support contact is now %(contact)s."),
}


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
    if "required" in values:
        values["state"] = str(_("required") if values["required"] else _("optional"))
    if "reason_code" in values:
        values["reason"] = refusal_text(values["reason_code"], values.get("reason_params"))
    return values


def describe(entry: ActivityLog) -> str:
    template = DESCRIPTIONS.get(entry.kind)
    if template is None:
        return entry.get_kind_display()
    try:
        return sentence(str(template) % _localise(entry.data or {}))
    except (KeyError, TypeError, ValueError):
        return entry.get_kind_display()
