"""Activity kinds of the API: apps registered, rotated and revoked, and every call an app makes."""

from django.utils.translation import gettext_lazy as _

from partnercenter.events import EventKind, EventKinds


class ApiEvents(EventKinds):
    APP_CREATED = EventKind("api.app_created", _("API app registered"), _("API app %(app)s was registered."))
    CALL = EventKind("api.call", _("API call"), _("%(method)s %(path)s → %(status)s"))
