"""Activity kinds of the API: apps registered, rotated and revoked, and every call an app makes."""

from django.utils.translation import gettext_lazy as _

from partnercenter.events import EventKind, EventKinds


class ApiEvents(EventKinds):
    APP_CREATED = EventKind("api.app_created", _("API app registered"), _("API app %(app)s was registered."))
    APP_SECRET_ROTATED = EventKind("api.app_secret_rotated", _("API app secret rotated"),
                                   _("The secret of API app %(app)s was rotated; the previous one keeps working "
                                     "for %(grace_hours)s hours."))
    APP_REVOKED = EventKind("api.app_revoked", _("API app revoked"),
                            _("API app %(app)s was revoked; its tokens stopped."))
    CALL = EventKind("api.call", _("API call"), _("%(method)s %(path)s → %(status)s"))
