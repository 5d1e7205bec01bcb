"""Activity kinds of background jobs. `kind` in an entry's data is the job kind's name; the activity
log words it in the reader's language (partnercenter/activity.py)."""

from django.utils.translation import gettext_lazy as _

from partnercenter.events import EventKind, EventKinds


class JobEvents(EventKinds):
    JOB_CREATED = EventKind(
        "job.created", _("Background job started"),
        _("Background job “%(kind)s” started for %(total)s items."),
    )
    JOB_CANCELLED = EventKind(
        "job.cancelled", _("Background job cancelled"),
        _("Background job “%(kind)s” was cancelled."),
    )
    JOB_FINISHED = EventKind(
        "job.finished", _("Background job finished"),
        _("Background job “%(kind)s” finished: %(done)s done, %(skipped)s skipped, %(failed)s failed, "
          "%(cancelled)s cancelled of %(total)s."),
    )
