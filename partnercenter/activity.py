"""How each kind of activity-log entry reads, in the viewer's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from partnercenter.models import ActivityKind, ActivityLog

DESCRIPTIONS = {
    ActivityKind.TENANT_CREATED: _("Tenant %(name)s was created."),
    ActivityKind.PROFILE_UPDATED: _("The company profile was updated (%(fields)s)."),
    ActivityKind.REQUEST_CREATED: _("Relationship request …%(last4)s created for %(email)s."),
    ActivityKind.REQUEST_SENT: _("Relationship request …%(last4)s emailed to %(email)s."),
    ActivityKind.REQUEST_RESENT: _("Relationship request re-issued; the old link …%(old_last4)s no longer works."),
    ActivityKind.REQUEST_REVOKED: _("Relationship request …%(last4)s revoked."),
    ActivityKind.REQUEST_EXPIRED: _("Relationship request …%(last4)s expired."),
    ActivityKind.REQUEST_ACCEPTED: _("%(customer)s accepted the relationship request from %(partner)s."),
    ActivityKind.REQUEST_DECLINED: _("%(customer)s declined the relationship request from %(partner)s."),
    ActivityKind.ACCEPTANCE_FAILED: _("Acceptance by %(customer)s was refused: %(reason)s"),
    ActivityKind.RELATIONSHIP_CREATED: _("Reseller relationship between %(partner)s and %(customer)s created."),
    ActivityKind.DAP_GRANTED: _("Delegated admin permissions for %(services)s granted to %(partner)s."),
    ActivityKind.DAP_REMOVED: _("Delegated admin permissions for %(services)s removed from %(partner)s."),
    ActivityKind.USER_LANGUAGE: _("Language set to %(language)s."),
}


def describe(entry: ActivityLog) -> str:
    template = DESCRIPTIONS.get(entry.kind)
    if template is None:
        return entry.get_kind_display()
    try:
        return str(template) % dict(entry.data or {})
    except (KeyError, TypeError, ValueError):
        return entry.get_kind_display()
