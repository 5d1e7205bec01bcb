"""Activity kinds of the invitations app: Relationship requests: the link's lifecycle and the customer's answer."""

from django.utils.translation import gettext_lazy as _

from partnercenter.events import EventKind, EventKinds


class RequestEvents(EventKinds):
    REQUEST_CREATED = EventKind(
        "request.created", _("Relationship request created"),
        _("Relationship request …%(last4)s created for %(email)s."),
    )
    REQUEST_SENT = EventKind(
        "request.sent", _("Relationship request sent"),
        _("Relationship request …%(last4)s emailed to %(email)s."),
    )
    REQUEST_RESENT = EventKind(
        "request.resent", _("Relationship request resent"),
        _("Relationship request re-issued; the old link …%(old_last4)s no longer works."),
    )
    REQUEST_REVOKED = EventKind(
        "request.revoked", _("Relationship request revoked"),
        _("Relationship request …%(last4)s revoked."),
    )
    REQUEST_EXPIRED = EventKind(
        "request.expired", _("Relationship request expired"),
        _("Relationship request …%(last4)s expired."),
    )
    REQUEST_ACCEPTED = EventKind(
        "request.accepted", _("Relationship request accepted"),
        _("%(customer)s accepted the relationship request from %(partner)s."),
    )
    REQUEST_DECLINED = EventKind(
        "request.declined", _("Relationship request declined"),
        _("%(customer)s declined the relationship request from %(partner)s."),
    )
    ACCEPTANCE_FAILED = EventKind(
        "request.acceptance_failed", _("Relationship request acceptance refused"),
        _("Acceptance by %(customer)s was refused: %(reason)s"),
    )


class BulkEvents(EventKinds):
    BULK_UPLOADED = EventKind(
        "request.bulk_uploaded", _("Bulk invitation uploaded"),
        _("A file of %(rows)s customers to invite was uploaded (%(rejected)s rows rejected)."),
    )
    BULK_SENT = EventKind(
        "request.bulk_sent", _("Bulk invitation confirmed"),
        _("Sending relationship requests to %(rows)s customers was confirmed."),
    )
    BULK_WITHDRAWN = EventKind(
        "request.bulk_withdrawn", _("Bulk invitation mails withdrawn"),
        _("%(count)s relationship request mails not sent yet were withdrawn; their requests were revoked."),
    )
    BULK_PREVIEWS_PURGED = EventKind(
        "request.bulk_previews_purged", _("Unsent bulk invitation previews deleted"),
        _("%(count)s checked files that were never sent were deleted after %(days)s days, with their addresses."),
    )
