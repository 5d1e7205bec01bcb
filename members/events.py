"""Activity kinds of the members app: partner users' roles, deactivation and reactivation (F11)."""

from django.utils.translation import gettext_lazy as _

from partnercenter.events import EventKind, EventKinds


class MemberEvents(EventKinds):
    ROLES_CHANGED = EventKind(
        "member.roles_changed", _("User's roles changed"),
        _("The roles of %(email)s are now: %(roles)s."),
    )
    DEACTIVATED = EventKind(
        "member.deactivated", _("User deactivated"), _("%(email)s was deactivated."),
    )
    REACTIVATED = EventKind(
        "member.reactivated", _("User reactivated"), _("%(email)s was reactivated."),
    )
