"""Activity kinds of the members app (partner users, F11): roles, deactivation and reactivation, invitations."""

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


class MemberInvitationEvents(EventKinds):
    INVITATION_CREATED = EventKind(
        "member_invitation.created", _("User invitation created"),
        _("Invitation …%(last4)s created for %(to)s."),
    )
    INVITATION_SENT = EventKind(
        "member_invitation.sent", _("User invitation sent"),
        _("Invitation …%(last4)s emailed to %(to)s."),
    )
    INVITATION_RESENT = EventKind(
        "member_invitation.resent", _("User invitation resent"),
        _("Invitation re-issued; the old link …%(old_last4)s no longer works."),
    )
    INVITATION_REVOKED = EventKind(
        "member_invitation.revoked", _("User invitation revoked"),
        _("Invitation …%(last4)s revoked."),
    )
    INVITATION_EXPIRED = EventKind(
        "member_invitation.expired", _("User invitation expired"),
        _("Invitation …%(last4)s expired."),
    )
    INVITATION_ACCEPTED = EventKind(
        "member_invitation.accepted", _("User invitation accepted"),
        _("%(to)s accepted the invitation and joined with the roles %(roles)s."),
    )
