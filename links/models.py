"""The abstract tokenised link: only the token's SHA-256 digest is stored, looked up by digest.

A concrete kind adds what is its own (who issues it, what it grants, how it is addressed beyond an
email) and registers itself in links.kinds."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LinkStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


# What the issuer may do with a link in each status (pages show the buttons from these sets).
RESENDABLE = frozenset({LinkStatus.PENDING, LinkStatus.EXPIRED, LinkStatus.DECLINED})
REVOCABLE = frozenset({LinkStatus.PENDING, LinkStatus.EXPIRED})
ANSWERABLE = frozenset({LinkStatus.PENDING})  # what the receiver may still accept or decline (not expired)
ANSWERED = frozenset({LinkStatus.ACCEPTED, LinkStatus.DECLINED})
# The badge of each status as lists show it (any other status is grey).
STATUS_BADGES = {
    LinkStatus.PENDING: "text-bg-primary",
    LinkStatus.ACCEPTED: "text-bg-success",
    LinkStatus.DECLINED: "text-bg-warning",
}


class TokenLink(models.Model):
    """Status, expiry and who did what when. `kind` names the entry in links.kinds; `issuer_field`
    the concrete model's foreign key to the tenant that issued the link."""

    kind: ClassVar[str]
    issuer_field: ClassVar[str]

    # Normalised (NFKC + casefold) when addressed; empty for a link addressed otherwise or to anyone.
    email = models.CharField(_("Email"), max_length=254, blank=True, default="")
    token_digest = models.CharField(max_length=64, unique=True)
    token_last4 = models.CharField(max_length=4)
    status = models.CharField(max_length=16, choices=LinkStatus.choices, default=LinkStatus.PENDING)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The last time the link was replaced (Resend, or a confirmed new request to the same addressee).
    reissued_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Accepted or declined (the status says which).
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"…{self.token_last4} ({self.status})"

    @property
    def issuer(self) -> models.Model:
        return getattr(self, self.issuer_field)

    @property
    def is_addressed(self) -> bool:
        return bool(self.email)

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def effective_status(self) -> str:
        """What pages show: a pending link past its expiry is expired before the sweep marks it."""
        if self.status == LinkStatus.PENDING and self.is_expired():
            return LinkStatus.EXPIRED
        return self.status

    def get_effective_status_display(self) -> str:
        return str(LinkStatus(self.effective_status).label)

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.effective_status, "text-bg-secondary")

    @property
    def may_resend(self) -> bool:
        return self.status in RESENDABLE

    @property
    def may_revoke(self) -> bool:
        return self.status in REVOCABLE

    @property
    def may_answer(self) -> bool:
        return self.effective_status in ANSWERABLE

    def activity_extra(self) -> dict:
        """What this kind adds to its activity entries' data (besides the last four characters)."""
        return {}
