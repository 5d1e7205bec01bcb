"""The directory of indirect providers (issue 13 §2, seed 004 step 1).

One Listing per indirect provider holds two versions side by side: the **published** one (what the
public directory shows) and the **working** one the provider edits and submits. An operator approves
a submitted version in Django admin, which copies it into the published fields; until then the public
page keeps showing the published version. Published locations are rows of their own, indexed by
country, so that "filter by country" is an index lookup; the working version's locations are a small
JSON list (at most MAX_LOCATIONS), validated by the service."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partnercenter.models import Tenant
from partnercenter.tenancy import OwnTenantQuerySet

MAX_LOCATIONS = 20


class ListingState(models.TextChoices):
    """The state of the working version, as the provider sees it."""

    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending approval")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class Listing(models.Model):
    id = models.BigAutoField(primary_key=True)
    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="directory_listing")

    # The working version (edited by the provider, reviewed by the operator).
    name = models.CharField(_("Name shown"), max_length=200)
    logo = models.CharField(_("Logo"), max_length=200, blank=True, default="")  # a default_storage name
    locations = models.JSONField(_("Locations"), default=list, blank=True)  # [{"country": "HU", "url": "https://…"}]
    listed = models.BooleanField(_("Listed in the directory"), default=True)
    state = models.CharField(_("State"), max_length=16, choices=ListingState.choices, default=ListingState.DRAFT)
    reject_reason = models.TextField(_("Reason"), blank=True, default="")
    revision = models.PositiveIntegerField(default=1)  # +1 on every change of the working version
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    submitted_at = models.DateTimeField(_("Submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    # The published version (what the public directory shows); empty until the first approval.
    published_name = models.CharField(_("Published name"), max_length=200, blank=True, default="")
    published_logo = models.CharField(max_length=200, blank=True, default="")
    published_listed = models.BooleanField(_("Published and listed"), default=False)
    published_at = models.DateTimeField(_("Published"), null=True, blank=True)

    objects = OwnTenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("directory listing")
        verbose_name_plural = _("directory listings")
        indexes = [
            # The public page: listed providers by name (the partial index holds only those).
            models.Index(fields=["published_name", "id"], name="listing_public_name_idx",
                         condition=Q(published_listed=True)),
            # The operator's queue.
            models.Index(fields=["submitted_at"], name="listing_pending_idx", condition=Q(state="pending")),
        ]

    def __str__(self) -> str:
        return self.published_name or self.name

    @property
    def is_public(self) -> bool:
        return self.published_listed and self.published_at is not None


class PublishedLocation(models.Model):
    """One location of a published listing: a country and the provider's target URL for it."""

    id = models.BigAutoField(primary_key=True)
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="published_locations")
    country = CountryField(_("Country"))
    url = models.URLField(_("Target URL"), max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("published location")
        verbose_name_plural = _("published locations")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["country", "listing"], name="published_location_country_idx")]
        constraints = [models.UniqueConstraint(fields=["listing", "country"], name="published_location_one_per_country")]

    def __str__(self) -> str:
        return f"{self.country}: {self.url}"


class PendingListing(Listing):
    """The operator's queue in Django admin: listings whose working version awaits approval."""

    class Meta:
        proxy = True
        verbose_name = _("pending directory listing")
        verbose_name_plural = _("pending directory listings")
