"""Activity kinds of the customers app: Relationships, indirect-reseller associations, customers and delegated admin permissions."""

from django.utils.translation import gettext_lazy as _

from partnercenter.events import EventKind, EventKinds


class CustomerEvents(EventKinds):
    RELATIONSHIP_CREATED = EventKind(
        "relationship.created", _("Reseller relationship created"),
        _("Reseller relationship between %(partner)s and %(customer)s created."),
    )
    ADVISOR_RELATIONSHIP_CREATED = EventKind(
        "relationship.advisor_created", _("Advisor relationship created"),
        _("%(partner)s became the advisor of %(customer)s."),
    )
    RELATIONSHIP_REMOVED = EventKind(
        "relationship.removed", _("Reseller relationship removed"),
        _("%(partner)s removed its reseller relationship with %(customer)s."),
    )
    ASSOCIATION_CREATED = EventKind(
        "association.created", _("Customer associated with an indirect reseller"),
        _("%(customer)s is now associated with %(reseller)s under %(provider)s."),
    )
    ASSOCIATION_REMOVED = EventKind(
        "association.removed", _("Customer no longer associated with an indirect reseller"),
        _("%(customer)s is no longer associated with %(reseller)s under %(provider)s."),
    )
    CUSTOMER_ADDED = EventKind(
        "customer.added", _("Customer added"),
        _("%(partner)s added the customer %(customer)s (%(domain)s)."),
    )
    DAP_GRANTED = EventKind(
        "dap.granted", _("Delegated admin permissions granted"),
        _("Delegated admin permissions for %(services)s granted to %(partner)s."),
    )
    DAP_REMOVED = EventKind(
        "dap.removed", _("Delegated admin permissions removed"),
        _("Delegated admin permissions for %(services)s removed from %(partner)s."),
    )
