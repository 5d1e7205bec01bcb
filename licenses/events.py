"""Activity kinds of the licenses app (F13): one entry per request, with the users' names."""

from django.utils.translation import gettext_lazy as _

from partnercenter.events import EventKind, EventKinds


class LicenseEvents(EventKinds):
    ASSIGNED = EventKind(
        "license.assigned", _("Licenses assigned"),
        _("%(offer)s for %(customer)s: a license was assigned to %(users)s."),
    )
    UNASSIGNED = EventKind(
        "license.unassigned", _("License unassigned"),
        _("%(offer)s for %(customer)s: license unassigned from %(users)s."),
    )
