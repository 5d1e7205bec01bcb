"""Activity kinds of a customer's users managed on its behalf (F13). Recorded in the partner's log and in the
customer's; an entry never holds a password."""

from django.utils.translation import gettext_lazy as _

from partnercenter.events import EventKind, EventKinds


class CustomerUserEvents(EventKinds):
    ADDED = EventKind(
        "customer_user.added", _("Customer user added"),
        _("%(email)s was added to %(customer)s as %(role)s."),
    )
    UPDATED = EventKind(
        "customer_user.updated", _("Customer user changed"),
        _("%(email)s of %(customer)s was changed (name %(name)s, role %(role)s)."),
    )
    BLOCKED = EventKind(
        "customer_user.blocked", _("Customer user's sign-in blocked"),
        _("Sign-in of %(email)s (%(customer)s) was blocked."),
    )
    UNBLOCKED = EventKind(
        "customer_user.unblocked", _("Customer user's sign-in unblocked"),
        _("Sign-in of %(email)s (%(customer)s) was allowed again."),
    )
    PASSWORD_RESET = EventKind(
        "customer_user.password_reset", _("Customer user's password reset"),
        _("The password of %(email)s (%(customer)s) was reset; a temporary password must be changed at sign-in."),
    )
    DELETED = EventKind(
        "customer_user.deleted", _("Customer user deleted"),
        _("%(email)s was deleted from %(customer)s."),
    )
