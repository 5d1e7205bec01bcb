"""The editable email draft that carries a tokenised link (relationship and partnership requests)."""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext_lazy as _

from partnercenter.errors import Invalid

MAX_SUBJECT = 200
MAX_BODY = 10_000


def draft_checked(*, subject: str, body: str, link: str) -> tuple[str, str]:
    """The subject and body to send, or an Invalid error beside the field that is wrong. Nothing is cut
    short: a body cut at the limit could lose the link."""
    subject = (subject or "").strip()
    body = body or ""
    if not subject:
        raise Invalid(_("Enter a subject."), field="subject")
    # A line break in a header would end it (a mail that can never go, or an injected Bcc:): refuse it
    # here, beside the field, instead of reporting "sent" and failing in the outbox later.
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in subject):
        raise Invalid(_("The subject must be a single line without control characters."), field="subject")
    if len(subject) > MAX_SUBJECT:
        raise Invalid(_("The subject can have at most %(n)d characters."), params={"n": MAX_SUBJECT}, field="subject")
    if len(body) > MAX_BODY:
        raise Invalid(_("The message can have at most %(n)d characters."), params={"n": MAX_BODY}, field="body")
    if link not in body:
        raise Invalid(_("The message must contain the personalised link. Put it back before sending."),
                      field="body")
    return subject, body
