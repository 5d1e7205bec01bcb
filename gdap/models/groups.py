"""The partner's security groups: what access assignments give roles to. Members are partner users."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnercenter.models import Tenant, User
from partnercenter.tenancy import TenantQuerySet


class PartnerOwnedQuerySet(TenantQuerySet):
    """Rows of one partner (`partner`); customers see none."""

    partner_fields = ("partner",)


class SecurityGroup(models.Model):
    """A group of partner users (Graph's accessContainer of type securityGroup)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="security_groups")
    name = models.CharField(_("Name"), max_length=120)
    description = models.CharField(_("Description"), max_length=500, blank=True)
    members = models.ManyToManyField(User, through="gdap.SecurityGroupMember", related_name="security_groups",
                                     through_fields=("group", "user"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("security group")
        verbose_name_plural = _("security groups")
        constraints = [models.UniqueConstraint("partner", Lower("name"), name="gdap_group_name_unique")]

    def __str__(self) -> str:
        return self.name


class SecurityGroupMember(models.Model):
    group = models.ForeignKey(SecurityGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_group_memberships")
    added_at = models.DateTimeField(default=timezone.now, editable=False)
    added_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("security group member")
        verbose_name_plural = _("security group members")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="gdap_group_member_unique")]
        indexes = [models.Index(fields=["user", "group"], name="gdap_group_member_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} ∈ {self.group}"
