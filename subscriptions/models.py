"""Offer catalog, orders and subscriptions."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from partnercenter.models import Tenant, User
from partnercenter.tenancy import PartnerCustomerQuerySet, TenantQuerySet


class UnitType(models.TextChoices):
    LICENSES = "licenses", _("Licenses (per user)")
    DEVICES = "devices", _("Devices")
    INSTANCES = "instances", _("Instances")
    STORAGE = "storage", _("Storage units")


class Term(models.TextChoices):
    P1M = "P1M", _("1 month")
    P1Y = "P1Y", _("1 year")
    P3Y = "P3Y", _("3 years")


class BillingCycle(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    ANNUAL = "annual", _("Annual")
    NONE = "none", _("No charge")


class Offer(models.Model):
    """A product a partner can sell. Edited by the operator in Django admin."""

    id = models.BigAutoField(primary_key=True)
    sku = models.SlugField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("Offer"), max_length=200)
    product = models.CharField(_("Product"), max_length=200)
    unit_type = models.CharField(_("Unit"), max_length=16, choices=UnitType.choices)
    min_quantity = models.PositiveIntegerField(_("Minimum quantity"), default=1)
    max_quantity = models.PositiveIntegerField(_("Maximum quantity"), default=300)
    is_trial = models.BooleanField(_("Trial"), default=False)
    term = models.CharField(_("Term"), max_length=8, choices=Term.choices)
    billing_cycle = models.CharField(_("Billing cycle"), max_length=16, choices=BillingCycle.choices)
    # ISO 3166-1 alpha-2 codes of the countries where the offer is sold.
    countries = models.JSONField(_("Countries"), default=list)
    is_active = models.BooleanField(_("Available"), default=True)

    class Meta:
        ordering = ["product", "name"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(condition=Q(min_quantity__gte=1), name="offer_min_quantity_positive"),
            models.CheckConstraint(condition=Q(max_quantity__gte=F("min_quantity")), name="offer_max_not_below_min"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language: the seeded catalog's names are in the translation
        catalog (subscriptions/catalog.py); a name the operator entered shows as entered."""
        from django.utils.translation import gettext

        return gettext(self.name) if self.name else ""

    @property
    def display_product(self) -> str:
        from django.utils.translation import gettext

        return gettext(self.product) if self.product else ""

    def is_sold_in(self, country: str) -> bool:
        return str(country).upper() in {str(c).upper() for c in (self.countries or [])}


class Order(models.Model):
    """One purchase on a customer's behalf: who ordered, when, its lines and the partner of record."""

    id = models.UUIDField(_("Order ID"), primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="orders_placed")
    customer = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="orders")
    ordered_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    partner_of_record = models.ForeignKey(
        Tenant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Reseller (MPN ID)")
    )
    # The form carries a key made when it was shown: a double submit finds the first order.
    idempotency_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerCustomerQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(fields=["partner", "idempotency_key"], name="order_idempotency_key_unique")
        ]
        indexes = [models.Index(fields=["partner", "customer", "-created_at"], name="order_partner_customer_idx")]

    def __str__(self) -> str:
        return str(self.id)


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


class Subscription(models.Model):
    id = models.UUIDField(_("Subscription ID"), primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="subscriptions_sold")
    customer = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="subscriptions")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="subscriptions")
    quantity = models.PositiveIntegerField(_("Quantity"))
    status = models.CharField(_("Status"), max_length=16, choices=SubscriptionStatus.choices,
                              default=SubscriptionStatus.ACTIVE)
    partner_of_record = models.ForeignKey(
        Tenant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Reseller (MPN ID)")
    )
    # Empty means the selling partner itself supports the customer.
    support_contact = models.ForeignKey(
        Tenant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("Designated support contact"),
    )
    # Set when the selling partner's reseller relationship ended and no partnered reseller of record
    # could take over: nobody is the designated support contact (empty support_contact no longer
    # means "the selling partner"). Choosing a contact again clears it.
    no_support_contact = models.BooleanField(default=False, db_default=False)
    # Optimistic concurrency: every change bumps it; a change made from a stale page is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnerCustomerQuerySet.as_manager()

    class Meta:
        ordering = ["offer__name", "created_at"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="subscription_quantity_positive"),
            models.CheckConstraint(condition=Q(no_support_contact=False) | Q(support_contact__isnull=True),
                                   name="subscription_no_contact_means_none"),
        ]
        indexes = [
            models.Index(fields=["partner", "customer"], name="subscription_partner_cust_idx"),
            models.Index(fields=["customer", "status"], name="subscription_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.offer} × {self.quantity}"

    @property
    def support_by(self) -> Tenant | None:
        """Who supports the customer for this subscription; None once nobody does."""
        if self.no_support_contact:
            return None
        return self.support_contact or self.partner


class OrderLine(models.Model):
    id = models.BigAutoField(primary_key=True)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    subscription = models.OneToOneField(Subscription, on_delete=models.PROTECT, related_name="order_line")

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.offer} × {self.quantity}"


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    QUANTITY = "quantity", _("Quantity changed")
    SUSPENDED = "suspended", _("Suspended")
    REACTIVATED = "reactivated", _("Reactivated")
    CANCELLED = "cancelled", _("Cancelled")
    SUPPORT_CONTACT = "support_contact", _("Designated support contact changed")


class SubscriptionEventQuerySet(TenantQuerySet):
    partner_fields = ("subscription__partner",)
    customer_fields = ("subscription__customer",)


class SubscriptionEvent(models.Model):
    """The status history of a subscription. Append-only."""

    id = models.BigAutoField(primary_key=True)
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    status = models.CharField(max_length=16, choices=SubscriptionStatus.choices)
    quantity = models.PositiveIntegerField()
    detail = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubscriptionEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d}"
