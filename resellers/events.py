"""Activity kinds of the resellers app: Partnerships between indirect providers and indirect resellers."""

from django.utils.translation import gettext_lazy as _

from partnercenter.events import EventKind, EventKinds


class PartnershipEvents(EventKinds):
    PARTNERSHIP_REQUESTED = EventKind(
        "partnership.requested", _("Partnership request created"),
        _("Partnership request …%(last4)s created for %(to)s."),
    )
    PARTNERSHIP_SENT = EventKind(
        "partnership.sent", _("Partnership request sent"),
        _("Partnership request …%(last4)s emailed to %(to)s."),
    )
    PARTNERSHIP_RESENT = EventKind(
        "partnership.resent", _("Partnership request resent"),
        _("Partnership request re-issued; the old link …%(old_last4)s no longer works."),
    )
    PARTNERSHIP_REVOKED = EventKind(
        "partnership.revoked", _("Partnership request revoked"),
        _("Partnership request …%(last4)s revoked."),
    )
    PARTNERSHIP_EXPIRED = EventKind(
        "partnership.expired", _("Partnership request expired"),
        _("Partnership request …%(last4)s expired."),
    )
    PARTNERSHIP_ACCEPTED = EventKind(
        "partnership.accepted", _("Partnership accepted"),
        _("%(reseller)s accepted the partnership with %(provider)s."),
    )
    PARTNERSHIP_DECLINED = EventKind(
        "partnership.declined", _("Partnership request declined"),
        _("%(reseller)s declined the partnership request of %(provider)s."),
    )
    PARTNERSHIP_ASKED = EventKind(
        "partnership.asked", _("Partnership asked for"),
        _("%(reseller)s asked %(provider)s for a partnership (from the directory)."),
    )
    PARTNERSHIP_ASK_ACCEPTED = EventKind(
        "partnership.ask_accepted", _("Partnership request of a reseller accepted"),
        _("%(provider)s accepted the partnership request of %(reseller)s."),
    )
    PARTNERSHIP_ASK_DECLINED = EventKind(
        "partnership.ask_declined", _("Partnership request of a reseller declined"),
        _("%(provider)s declined the partnership request of %(reseller)s."),
    )
    PARTNERSHIP_REMOVED = EventKind(
        "partnership.removed", _("Partnership removed"),
        _("The partnership between %(provider)s and %(reseller)s was removed."),
    )
