"""Activity kinds of service requests (F13). Each entry is in the partner's log (with the customer); the
customer's own actions (comments, attachments in the Admin center) are in the customer's log too."""

from django.utils.translation import gettext_lazy as _

from partnercenter.events import EventKind, EventKinds


class ServiceRequestEvents(EventKinds):
    CREATED = EventKind(
        "service_request.created", _("Service request opened"),
        _("%(reference)s “%(title)s” was opened for %(customer)s."),
    )
    STATUS_CHANGED = EventKind(
        "service_request.status_changed", _("Service request status changed"),
        _("%(reference)s is now %(status)s (was %(previous)s)."),
    )
    ASSIGNED = EventKind(
        "service_request.assigned", _("Service request assigned"),
        _("%(reference)s is assigned to %(assignee)s."),
    )
    COMMENTED = EventKind(
        "service_request.commented", _("Service request commented"),
        _("%(author)s commented on %(reference)s."),
    )
    ATTACHMENT_ADDED = EventKind(
        "service_request.attachment_added", _("Service request attachment added"),
        _("%(name)s was attached to %(reference)s."),
    )
