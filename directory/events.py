"""Activity kinds of the directory: a provider's listing, from draft to published (or rejected)."""

from django.utils.translation import gettext_lazy as _

from partnercenter.events import EventKind, EventKinds


class DirectoryEvents(EventKinds):
    LISTING_SAVED = EventKind(
        "directory.saved", _("Directory listing saved"),
        _("The directory listing “%(name)s” was saved as a draft."),
    )
    LISTING_SUBMITTED = EventKind(
        "directory.submitted", _("Directory listing submitted"),
        _("The directory listing “%(name)s” was submitted for approval."),
    )
    LISTING_APPROVED = EventKind(
        "directory.approved", _("Directory listing approved"),
        _("The directory listing “%(name)s” was approved and published."),
    )
    LISTING_REJECTED = EventKind(
        "directory.rejected", _("Directory listing rejected"),
        _("The directory listing “%(name)s” was rejected: %(reason)s"),
    )
