"""The tenancy core: users, tenants, regions, memberships and roles, the activity log and the mail outbox."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partnercenter.domains import domain_to_unicode
from partnercenter.roles import Role
from partnercenter.tenancy import OwnTenantQuerySet


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("The email must be set")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person. Signs in with email; belongs to one or more tenants through memberships."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    # Set when a partner created the account with a temporary password: change it before anything else.
    must_change_password = models.BooleanField(default=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    def __str__(self) -> str:
        return self.email


class Region(models.Model):
    """A sales region. Reseller relationships only form inside one region (operator-editable data)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class CountryRegion(models.Model):
    """Maps a country to its region. A country without a row is a region of its own."""

    country = CountryField(_("country"), unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="countries", verbose_name=_("region"))

    class Meta:
        ordering = ["country"]
        verbose_name = _("country in a region")
        verbose_name_plural = _("countries in regions")

    def __str__(self) -> str:
        return f"{self.country.name} → {self.region}"


class Cloud(models.TextChoices):
    PUBLIC = "public", _("Public cloud")
    USGOV = "usgov", _("US Government cloud")
    GERMANY = "germany", _("Germany cloud")
    CHINA = "china", _("China cloud")


class TenantKind(models.TextChoices):
    PARTNER = "partner", _("Partner")
    CUSTOMER = "customer", _("Customer")


class PartnerType(models.TextChoices):
    DIRECT = "direct", _("Direct-bill partner")
    INDIRECT_PROVIDER = "indirect_provider", _("Indirect provider")
    INDIRECT_RESELLER = "indirect_reseller", _("Indirect reseller")


class Tenant(models.Model):
    """An organisation: a partner or a customer."""

    id = models.UUIDField(_("tenant ID"), primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=TenantKind.choices)
    name = models.CharField(_("company name"), max_length=200)
    # Stored lower-case ASCII (punycode); shown in Unicode.
    primary_domain = models.CharField(_("primary domain"), max_length=253, unique=True)
    country = CountryField(_("country"))
    cloud = models.CharField(_("cloud"), max_length=16, choices=Cloud.choices, default=Cloud.PUBLIC)
    address_line1 = models.CharField(_("address line 1"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    contact_first_name = models.CharField(_("First name"), max_length=100, blank=True)
    contact_last_name = models.CharField(_("Last name"), max_length=100, blank=True)
    contact_email = models.EmailField(_("Contact email"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    # Partner-only fields.
    mpn_id = models.CharField(_("MPN ID"), max_length=7, null=True, blank=True, unique=True)
    partner_type = models.CharField(_("partner type"), max_length=32, choices=PartnerType.choices, blank=True)
    is_advisor = models.BooleanField(_("acts as advisor"), default=False)
    mfa_required = models.BooleanField(_("require multi-factor authentication"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        indexes = [models.Index(fields=["name", "id"], name="tenant_name_id_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="customer") | (Q(mpn_id__isnull=False) & ~Q(partner_type="")),
                name="tenant_partner_has_mpn_and_type",
            ),
            models.CheckConstraint(
                condition=Q(kind="partner") | (Q(mpn_id__isnull=True) & Q(partner_type="")),
                name="tenant_customer_has_no_partner_fields",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_partner(self) -> bool:
        return self.kind == TenantKind.PARTNER

    @property
    def is_customer(self) -> bool:
        return self.kind == TenantKind.CUSTOMER

    @property
    def domain_display(self) -> str:
        return domain_to_unicode(self.primary_domain)


class CompanyProfile(models.Model):
    """What customers see of a partner on every invitation and in the Admin center."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="profile", primary_key=True)
    legal_name = models.CharField(_("Legal name"), max_length=200)
    phone = models.CharField(_("Phone"), max_length=32, blank=True)
    support_email = models.EmailField(_("Support email"), blank=True)
    website = models.URLField(_("Website"), blank=True)
    address_line1 = models.CharField(_("Address line 1"), max_length=200, blank=True)
    address_line2 = models.CharField(_("Address line 2"), max_length=200, blank=True)
    city = models.CharField(_("City"), max_length=100, blank=True)
    postal_code = models.CharField(_("Postal code"), max_length=20, blank=True)
    country = CountryField(_("Country"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnTenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("company profile")
        verbose_name_plural = _("company profiles")

    def __str__(self) -> str:
        return self.legal_name


class Membership(models.Model):
    """One role of a user in a tenant. A user holds several roles through several rows."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "tenant", "role"], name="membership_unique_role")]
        indexes = [models.Index(fields=["tenant", "role"], name="membership_tenant_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.tenant} · {self.get_role_display()}"


class _ActivityKindNames(type):
    def __getattr__(cls, name: str):
        from partnercenter import events

        if name == "choices":
            return events.kind_choices()
        return events.kind_by_name(name)


class ActivityKind(metaclass=_ActivityKindNames):
    """Read-only view of the event registry by constant name (``ActivityKind.REQUEST_ACCEPTED``).

    The kinds themselves are declared by each app in its ``events.py`` (partnercenter/events.py);
    new code imports them from there. This name stays so existing references keep resolving.
    """


class ActivityLog(models.Model):
    """An append-only record of a state change, kept per tenant. Nothing here is ever updated."""

    id = models.BigAutoField(primary_key=True)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_email = models.CharField(max_length=254, blank=True)
    actor_client = models.CharField(max_length=64, blank=True)  # an API client's id (a later issue)
    kind = models.CharField(_("kind"), max_length=48)  # an events.EventKind value; labels from the registry
    customer = models.ForeignKey(
        Tenant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("customer")
    )
    description = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnTenantQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("activity log entry")
        verbose_name_plural = _("activity log")
        indexes = [
            models.Index(fields=["tenant", "-id"], name="activity_tenant_id_idx"),
            models.Index(fields=["tenant", "kind", "-id"], name="activity_tenant_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind}"

    def actor_text(self) -> str:
        """Who acted, for exports: the user's address, else the API client's id, or "" for the system."""
        from partnercenter.domains import to_unicode

        return to_unicode(self.actor_email) or self.actor_client

    def get_kind_display(self) -> str:
        from partnercenter.events import kind_label

        return kind_label(self.kind)


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxEmail(models.Model):
    """A message to send, written in the same transaction as the change that caused it."""

    id = models.BigAutoField(primary_key=True)
    tenant = models.ForeignKey(Tenant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=48)
    to_email = models.EmailField()
    reply_to = models.EmailField(blank=True)
    language = models.CharField(max_length=8)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # One message per key, ever: a second create with the same key returns the first row (for
    # example "gdap-expiry:<relationship id>:7d"). Null for messages that may repeat.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    # Not sent before this time (null: as soon as possible); the sweep queues rows once they are due.
    send_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbox_status_created_idx"),
            models.Index(fields=["send_after"], name="outbox_pending_send_after_idx",
                         condition=models.Q(status="pending", send_after__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"

    def is_due(self, now: datetime | None = None) -> bool:
        return self.send_after is None or self.send_after <= (now or timezone.now())
