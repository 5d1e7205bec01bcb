"""Activity kinds of advisor offers (F12): the link's lifecycle and the customers' acceptances."""

from django.utils.translation import gettext_lazy as _

from partnercenter.events import EventKind, EventKinds


class OfferEvents(EventKinds):
    OFFER_CREATED = EventKind(
        "offer.created", _("Advisor offer created"),
        _("Advisor offer …%(last4)s created (%(offer_kind)s)."),
    )
    OFFER_SENT = EventKind("offer.sent", _("Advisor offer sent"), _("Advisor offer …%(last4)s sent."))
    OFFER_RESENT = EventKind(
        "offer.resent", _("Advisor offer re-issued"),
        _("Advisor offer re-issued; the old link …%(old_last4)s no longer works."),
    )
    OFFER_DEACTIVATED = EventKind(
        "offer.deactivated", _("Advisor offer deactivated"), _("Advisor offer …%(last4)s deactivated."),
    )
    OFFER_EXPIRED = EventKind("offer.expired", _("Advisor offer expired"), _("Advisor offer …%(last4)s expired."))
    OFFER_ACCEPTED = EventKind(
        "offer.accepted", _("Advisor offer accepted"),
        _("%(customer)s accepted the advisor offer of %(partner)s."),
    )
    ACCEPTANCE_FAILED = EventKind(
        "offer.acceptance_failed", _("Advisor offer acceptance refused"),
        _("Acceptance of an advisor offer by %(customer)s was refused: %(reason)s"),
    )
