"""Writes of the directory: the provider edits and submits its listing; an operator approves or rejects.

Every write locks the listing row, so the provider saving and an operator deciding never interleave:
an approval publishes exactly the version that was pending when it was taken."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory import logos
from directory.events import DirectoryEvents
from directory.models import MAX_LOCATIONS, Listing, ListingState, PublishedLocation
from directory.rules import NAME_MAX, REASON_MAX, target_url_error
from partnercenter.errors import Conflict, Forbidden, Invalid, NotFound, Stale
from partnercenter.events import event_record
from partnercenter.models import PartnerType, Tenant, User
from partnercenter.roles import Perm, Role
from partnercenter.selectors import permissions_of, tenant_users_with_roles
from partnercenter.services import outbox_email_create
from servicerequests.services.common import FilesGuard


@dataclass(frozen=True)
class ListingInput:
    name: str
    listed: bool
    locations: list[dict[str, str]]  # [{"country": "HU", "url": "https://…"}], in the order shown
    logo: logos.Logo | None = None  # a new logo, already checked (logos.logo_checked)
    remove_logo: bool = False


def require_listing_editor(*, tenant: Tenant, actor: User) -> None:
    if tenant.partner_type != PartnerType.INDIRECT_PROVIDER:
        raise NotFound(_("Not found"))
    if Perm.PROFILE_EDIT not in permissions_of(user=actor, tenant=tenant):
        raise Forbidden(_("Only Global admins edit the directory listing."))


def _locations_checked(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    if len(rows) > MAX_LOCATIONS:
        raise Invalid(_("A listing may name at most %(max)s locations."), field="locations",
                      params={"max": MAX_LOCATIONS})
    seen: set[str] = set()
    clean = []
    for row in rows:
        country = str(row.get("country") or "").strip().upper()
        url = str(row.get("url") or "").strip()
        if not country:
            raise Invalid(_("Choose a country for each location."), field="locations")
        if country in seen:
            raise Invalid(_("Each country may appear only once."), field="locations")
        problem = target_url_error(url)
        if problem is not None:
            raise Invalid(problem, field="locations")
        seen.add(country)
        clean.append({"country": country, "url": url})
    return clean


def _delete_later(*names: str) -> None:
    for name in {n for n in names if n}:
        transaction.on_commit(lambda name=name: default_storage.delete(name))


def _log(listing: Listing, kind: str, actor: User | None, **data: object) -> None:
    event_record(tenant=listing.tenant, kind=kind, actor=actor, data={"name": listing.name, **data})


def listing_save(*, tenant: Tenant, actor: User, data: ListingInput, submit: bool, ip: str | None = None) -> Listing:
    """Save the working version (a draft) and, with `submit`, hand it to the operators for approval.
    The published version stays live until an operator approves the new one."""
    require_listing_editor(tenant=tenant, actor=actor)
    name = " ".join((data.name or "").split())
    if not name:
        raise Invalid(_("Enter the name shown in the directory."), field="name")
    if len(name) > NAME_MAX:
        raise Invalid(_("The name may be at most %(max)s characters."), field="name", params={"max": NAME_MAX})
    locations = _locations_checked(data.locations)
    if submit and data.listed and not locations:
        raise Invalid(_("Add at least one location with its target URL before submitting."), field="locations")
    with FilesGuard() as saved, transaction.atomic():
        listing = Listing.objects.select_for_update().filter(tenant=tenant).first()
        if listing is None:
            listing = Listing.objects.create(tenant=tenant, name=name, updated_by=actor)
        old_logo = listing.logo
        if data.logo is not None:
            stored = default_storage.save(logos.storage_name(tenant.pk, data.logo), ContentFile(data.logo.data))
            saved.append(stored)
            listing.logo = stored
        elif data.remove_logo:
            listing.logo = ""
        if old_logo != listing.logo and old_logo != listing.published_logo:
            _delete_later(old_logo)  # a draft's logo nobody sees any more
        listing.name, listing.listed, listing.locations = name, data.listed, locations
        listing.state = ListingState.PENDING if submit else ListingState.DRAFT
        listing.reject_reason = ""
        listing.revision += 1
        listing.updated_by = actor
        listing.submitted_at = timezone.now() if submit else None
        listing.save()
        _log(listing, DirectoryEvents.LISTING_SUBMITTED if submit else DirectoryEvents.LISTING_SAVED, actor)
    return listing


def _lock_pending(listing_id: int, revision: int | None) -> Listing:
    """The pending listing, locked. With `revision` (the one the operator reviewed), a listing the
    provider changed meanwhile is Stale: an operator never publishes a version nobody looked at."""
    listing = Listing.objects.select_for_update(of=("self",)).select_related("tenant").filter(pk=listing_id).first()
    if listing is None:
        raise NotFound(_("Not found"))
    if listing.state != ListingState.PENDING:
        raise Conflict(_("This listing is no longer awaiting approval."))
    if revision is not None and listing.revision != revision:
        raise Stale(_("The provider changed this listing since you opened it. Review it again."))
    return listing


def _require_operator(operator: User) -> None:
    if not (operator.is_active and operator.is_staff):
        raise Forbidden(_("Only operators approve directory listings."))


def _mail_admins(listing: Listing, template: str, **context: object) -> None:
    for user in tenant_users_with_roles(tenant=listing.tenant, roles=[Role.GLOBAL_ADMIN]):
        outbox_email_create(
            to_email=user.email, template=template, language=user.language or settings.LANGUAGE_CODE,
            tenant=listing.tenant,
            context={"listing": listing, "listing_url": f"{settings.SITE_URL}/company-profile/directory-listing/",
                     "directory_url": f"{settings.SITE_URL}/directory/", **context},
        )


def listing_approve(*, listing_id: int, operator: User, revision: int | None = None) -> Listing:
    """Publish the pending version: copy it into the published fields and locations."""
    _require_operator(operator)
    with transaction.atomic():
        listing = _lock_pending(listing_id, revision)
        old_published = listing.published_logo
        listing.published_name, listing.published_logo = listing.name, listing.logo
        listing.published_listed, listing.published_at = listing.listed, timezone.now()
        listing.state, listing.reject_reason = ListingState.PUBLISHED, ""
        listing.decided_at, listing.decided_by = timezone.now(), operator
        listing.save()
        listing.published_locations.all().delete()
        PublishedLocation.objects.bulk_create([
            PublishedLocation(listing=listing, country=row["country"], url=row["url"], position=i)
            for i, row in enumerate(listing.locations)
        ])
        if old_published != listing.logo:
            _delete_later(old_published)
        _log(listing, DirectoryEvents.LISTING_APPROVED, operator)
        _mail_admins(listing, "directory_listing_approved")
    return listing


def listing_reject(*, listing_id: int, operator: User, reason: str, revision: int | None = None) -> Listing:
    """Send the pending version back with a reason; the published version (if any) stays live."""
    _require_operator(operator)
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise Invalid(_("Give the provider a reason for the rejection."), field="reason")
    if len(reason) > REASON_MAX:
        raise Invalid(_("The reason may be at most %(max)s characters."), field="reason", params={"max": REASON_MAX})
    with transaction.atomic():
        listing = _lock_pending(listing_id, revision)
        listing.state, listing.reject_reason = ListingState.REJECTED, reason
        listing.decided_at, listing.decided_by = timezone.now(), operator
        listing.save()
        _log(listing, DirectoryEvents.LISTING_REJECTED, operator, reason=reason)
        _mail_admins(listing, "directory_listing_rejected", reason=reason)
    return listing
