"""Partner users (F11): the invitation of a partner user, a kind of tokenised link (links.kinds)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from links.models import TokenLink
from partnercenter.models import Tenant
from partnercenter.roles import Role
from partnercenter.tenancy import TenantQuerySet


class MemberInvitationQuerySet(TenantQuerySet):
    partner_fields = ("tenant",)


class MemberInvitation(TokenLink):
    """A single-use link inviting one address into a partner organisation with the given roles."""

    kind = "member_invitation"
    issuer_field = "tenant"

    id = models.BigAutoField(primary_key=True)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="member_invitations")
    name = models.CharField(_("Name"), max_length=150)
    roles = models.JSONField(_("Roles"), default=list)
    # The language of the invitation mail (de / en / hu), chosen by the inviter.
    language = models.CharField(_("Language"), max_length=8, choices=settings.LANGUAGES)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MemberInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("user invitation")
        verbose_name_plural = _("user invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "email"], condition=Q(status="pending"),
                name="member_invitation_one_pending_per_email",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "-id"], name="member_invitation_tenant_idx")]

    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles if role in Role.values]

    def activity_extra(self) -> dict:
        return {"to": self.email}
