"""Access assignments (relationship × security group × roles), their operations, and role templates."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gdap.models.base import Versioned
from gdap.models.groups import PartnerOwnedQuerySet, SecurityGroup
from gdap.models.relationships import AdminRelationship, RoleDefinition
from partnercenter.models import Tenant, User
from partnercenter.tenancy import TenantQuerySet


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    DELETING = "deleting", _("Deleting")
    DELETED = "deleted", _("Deleted")
    ERROR = "error", _("Error")


class RelationshipChildQuerySet(TenantQuerySet):
    """Rows under a relationship: visible to whoever sees the relationship."""

    def scope(self, tenant: Tenant) -> Q | None:
        return Q(relationship__in=AdminRelationship.objects.visible_to(tenant))


class AccessAssignment(Versioned):
    """Graph's delegatedAdminAccessAssignment: a subset of the relationship's roles for one of the
    partner's security groups. At most one non-deleted assignment per (relationship, group)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    relationship = models.ForeignKey(AdminRelationship, on_delete=models.CASCADE, related_name="assignments")
    security_group = models.ForeignKey(SecurityGroup, on_delete=models.CASCADE, related_name="assignments",
                                       verbose_name=_("Security group"))
    roles = models.ManyToManyField(RoleDefinition, related_name="+", verbose_name=_("Roles"))
    status = models.CharField(max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = RelationshipChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("access assignment")
        verbose_name_plural = _("access assignments")
        constraints = [
            models.UniqueConstraint(fields=["relationship", "security_group"], condition=~Q(status="deleted"),
                                    name="gdap_assignment_one_per_group"),
        ]
        indexes = [models.Index(fields=["security_group", "status"], name="gdap_assignment_group_idx")]

    def __str__(self) -> str:
        return f"{self.relationship} → {self.security_group}"


class OperationStatus(models.TextChoices):
    NOT_STARTED = "notStarted", _("Not started")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class AccessAssignmentOperation(models.Model):
    """Graph's delegatedAdminRelationshipOperation for an assignment update; `data` holds the change."""

    UPDATE = "delegatedAdminAccessAssignmentUpdate"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    relationship = models.ForeignKey(AdminRelationship, on_delete=models.CASCADE, related_name="operations")
    assignment = models.ForeignKey(AccessAssignment, on_delete=models.CASCADE, related_name="operations")
    operation_type = models.CharField(max_length=64, default=UPDATE)
    data = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=OperationStatus.choices, default=OperationStatus.NOT_STARTED)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_modified_at = models.DateTimeField(auto_now=True)

    objects = RelationshipChildQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("access assignment operation")
        verbose_name_plural = _("access assignment operations")

    def __str__(self) -> str:
        return f"{self.operation_type} · {self.status}"


class RoleTemplate(models.Model):
    """A partner's named set of roles, duration, auto-extend and group-to-roles assignments (beyond
    Partner Center): a request can start from one, and approval creates its assignments."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="gdap_role_templates")
    name = models.CharField(_("Name"), max_length=100)
    description = models.CharField(_("Description"), max_length=500, blank=True)
    roles = models.ManyToManyField(RoleDefinition, related_name="+", verbose_name=_("Roles"))
    duration = models.DurationField(_("Duration"), default=timedelta(days=730))
    auto_extend_duration = models.DurationField(_("Auto-extend"), default=timedelta(0))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("role template")
        verbose_name_plural = _("role templates")
        constraints = [models.UniqueConstraint("partner", Lower("name"), name="gdap_template_name_unique")]

    def __str__(self) -> str:
        return self.name


class RoleTemplateAssignment(models.Model):
    """One group-to-roles line of a template (roles ⊆ the template's roles, checked by the services)."""

    template = models.ForeignKey(RoleTemplate, on_delete=models.CASCADE, related_name="assignments")
    security_group = models.ForeignKey(SecurityGroup, on_delete=models.CASCADE, related_name="+",
                                       verbose_name=_("Security group"))
    roles = models.ManyToManyField(RoleDefinition, related_name="+", verbose_name=_("Roles"))

    class Meta:
        verbose_name = _("role template assignment")
        verbose_name_plural = _("role template assignments")
        constraints = [models.UniqueConstraint(fields=["template", "security_group"],
                                               name="gdap_template_group_unique")]

    def __str__(self) -> str:
        return f"{self.template} → {self.security_group}"
