"""Activity kinds of the subscriptions app: Customer agreements, orders and subscriptions."""

from django.utils.translation import gettext_lazy as _

from partnercenter.events import EventKind, EventKinds


class SubscriptionEvents(EventKinds):
    AGREEMENT_RECORDED = EventKind(
        "agreement.recorded", _("Customer agreement recorded"),
        _("Customer agreement of %(customer)s recorded (signed by %(signer)s on %(date)s)."),
    )
    ORDER_PLACED = EventKind(
        "order.placed", _("Order placed"),
        _("Order %(order)s placed for %(customer)s: %(lines)s."),
    )
    SUBSCRIPTION_QUANTITY = EventKind(
        "subscription.quantity", _("Subscription quantity changed"),
        _("%(offer)s for %(customer)s: quantity %(old)s → %(new)s."),
    )
    SUBSCRIPTION_SUSPENDED = EventKind(
        "subscription.suspended", _("Subscription suspended"),
        _("%(offer)s for %(customer)s suspended."),
    )
    SUBSCRIPTION_REACTIVATED = EventKind(
        "subscription.reactivated", _("Subscription reactivated"),
        _("%(offer)s for %(customer)s reactivated."),
    )
    SUBSCRIPTION_CANCELLED = EventKind(
        "subscription.cancelled", _("Subscription cancelled"),
        _("%(offer)s for %(customer)s cancelled."),
    )
    SUBSCRIPTION_SUPPORT = EventKind(
        "subscription.support_contact", _("Designated support contact changed"),
        _("%(offer)s for %(customer)s: designated support contact is now %(contact)s."),
    )
