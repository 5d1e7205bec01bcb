"""A license of a subscription assigned to one of the customer's users (F13)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from partnercenter.models import Membership, User
from partnercenter.tenancy import TenantQuerySet
from subscriptions.models import Subscription


class LicenseAssignmentQuerySet(TenantQuerySet):
    """The selling partner sees the assignments of what it sold; the customer sees all of its own."""

    partner_fields = ("subscription__partner",)
    customer_fields = ("subscription__customer",)


class LicenseAssignment(models.Model):
    """One seat of `subscription` held by a user of the customer. The assignment hangs on the user's
    membership in the customer tenant, so deleting the user (or the membership) frees the seat.

    Never more rows per subscription than its quantity: licenses.services locks the subscription row and
    counts inside the same transaction (the quantity change takes the same lock: see seats_check_quantity)."""

    id = models.BigAutoField(primary_key=True)
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="license_assignments")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="license_assignments")
    assigned_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    assigned_at = models.DateTimeField(_("Assigned"), auto_now_add=True)

    objects = LicenseAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("license assignment")
        verbose_name_plural = _("license assignments")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "membership"], name="license_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} → {self.membership_id}"
