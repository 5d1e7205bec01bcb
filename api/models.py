"""An API app: a partner's OAuth2 client (django-oauth-toolkit's Application, client credentials only)
with the scopes and roles it acts with. It acts through the member who registered it: their
deactivation, like the app's revocation, stops its tokens at once (api.auth checks both per request)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partnercenter.models import Tenant

# Per area a read-only and a read/write scope; "…write" includes reading (api.permissions).
SCOPE_AREAS = ("customers", "relationships", "subscriptions", "gdap", "webhooks")
AREA_LABELS = {
    "customers": _("Customers"),
    "relationships": _("Relationships"),
    "subscriptions": _("Subscriptions"),
    "gdap": _("Admin relationships (GDAP)"),
    "webhooks": _("Webhooks"),
}
LEVEL_LABELS = {"read": _("Read only"), "write": _("Read and write")}
SCOPES: dict[str, str] = {}
for _area in SCOPE_AREAS:
    SCOPES[f"{_area}.read"] = f"{_area}: read"
    SCOPES[f"{_area}.write"] = f"{_area}: read and write"


class ApiApp(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="api_apps")
    application = models.OneToOneField(settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.PROTECT,
                                       related_name="api_app")
    name = models.CharField(_("Name"), max_length=100)
    scopes = models.JSONField(_("Scopes"), default=list)  # names from SCOPES
    roles = models.JSONField(_("Roles"), default=list)  # partner Role values, never above the registrant's
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    # Rotation: the secret before the last rotation (hashed as DOT hashes it) keeps working until
    # previous_secret_expires_at (settings.API_SECRET_GRACE_HOURS); secret_version counts rotations, so
    # a rotation form opened before another rotation is refused instead of rotating twice.
    previous_secret = models.CharField(max_length=255, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    secret_version = models.PositiveIntegerField(default=1)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    # The Register app form's one-time key: the same form sent twice (a reload of the page that showed the
    # secret) registers one app, not two. Blank for apps registered otherwise (manage.py api_client_create).
    registration_key = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["name", "created_at"]
        verbose_name = _("API app")
        verbose_name_plural = _("API apps")
        indexes = [models.Index(fields=["partner", "created_at"], name="api_app_partner_idx")]
        constraints = [models.UniqueConstraint(fields=["partner", "registration_key"], name="api_app_registration_key",
                                               condition=~models.Q(registration_key=""))]

    def __str__(self) -> str:
        return self.name

    @property
    def client_id(self) -> str:
        return self.application.client_id

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def previous_secret_live(self) -> bool:
        """The secret before the last rotation still gets tokens (its grace period has not ended)."""
        from django.utils import timezone

        expires = self.previous_secret_expires_at
        return bool(self.previous_secret) and expires is not None and expires > timezone.now()

    def scope_labels(self) -> list[str]:
        """"Customers: Read only", … in the reader's language, in the order of SCOPE_AREAS."""
        levels = dict(name.split(".", 1) for name in self.scopes if "." in name)
        return [f"{AREA_LABELS[area]}: {LEVEL_LABELS[levels[area]]}" for area in SCOPE_AREAS
                if levels.get(area) in LEVEL_LABELS]

    def role_labels(self) -> list[str]:
        from partnercenter.roles import Role

        return [str(Role(role).label) for role in self.roles if role in Role.values]


class IdempotentResponse(models.Model):
    """The first answer to a POST with an `Idempotency-Key`, replayed for a repeat of the same request
    (api.idempotency). One row per app and key; a different body under a used key is refused."""

    app = models.ForeignKey(ApiApp, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_digest = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status_code = models.PositiveSmallIntegerField()
    body = models.BinaryField()
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["app", "key"], name="api_idempotency_unique_key")]

    def __str__(self) -> str:
        return f"{self.app_id} {self.key}"
