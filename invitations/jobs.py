"""The bulk invitation job kind (issue 13 §3, "Invite many customers"): one item per email address of
the confirmed preview; its chunks are invitations.services.bulk.invite_chunk, and cancelling withdraws
the mails not sent yet (also after the job finished, while paced mails still wait)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from invitations.services.bulk import KIND, invite_chunk, withdraw_unsent
from jobs.registry import JobKind, register
from partnercenter.roles import Perm

BULK_INVITE = register(JobKind(
    name=KIND,
    label=_("Invite many customers"),
    perm=Perm.RELATIONSHIP_REQUEST,
    handler=invite_chunk,
    chunk_size=500,
    result_columns=[(_("Request ID"), "request"), (_("Mail scheduled for"), "send_after")],
    reason_texts={
        "gone": _("The uploaded file was deleted after the job started."),
        "forbidden": _("The person who started this job may no longer request reseller relationships."),
        "customer": _("%(email)s belongs to one of your customers already."),
        "pending": _("A pending request to %(email)s exists already."),
        "withdrawn": _("Cancelled before the mail was sent: the request was revoked."),
    },
    on_cancel=withdraw_unsent,
))
