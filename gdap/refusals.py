"""Why an approval was refused when its task processed it. The core stores a code
(AdminRelationshipRequest.failure_code: the relationship's status at processing time, or one of
"revoked", "answered", "expired", "customer", "dead"); it is worded when shown, in the reader's language
(a worker has no reader), like invitations/refusals.py."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from partnercenter.text import sentence

_WITHDRAWN = _("%(partner)s withdrew this request before your approval was processed. Nothing was granted.")
_ANSWERED = _("This request had already been answered. Nothing else was granted.")

REFUSALS = {
    "revoked": _WITHDRAWN,
    "terminationRequested": _WITHDRAWN,
    "terminating": _WITHDRAWN,
    "terminated": _WITHDRAWN,
    "terminated_by_customer": _("Your organisation ended this relationship before the approval was processed. "
                                "Nothing was granted."),
    "expired": _("This request expired before your approval was processed. Ask %(partner)s for a new one."),
    "answered": _ANSWERED,
    "approved": _ANSWERED,
    "activating": _ANSWERED,
    "active": _ANSWERED,
    "expiring": _ANSWERED,
    "customer": _("%(partner)s cannot hold an admin relationship with your organisation (another cloud, or the "
                  "US Government cloud). Nothing was granted."),
    "dead": _("The approval could not be processed. Ask %(partner)s for a new link."),
}
_FALLBACK = _("The approval could not be processed. Nothing was granted.")


def refusal_text(code: str, *, partner: str, terminated_side: str = "") -> str:
    """The refusal of `code`, worded now (the reader's language), with the partner's name."""
    if code in ("terminationRequested", "terminating", "terminated") and terminated_side == "customer":
        code = "terminated_by_customer"
    template = REFUSALS.get(code, _FALLBACK)
    return sentence(str(template) % {"partner": partner})
