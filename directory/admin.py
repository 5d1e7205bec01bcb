"""The operators' queue of pending directory listings, with Approve and Reject (with a reason).

The admin only calls the services: approving publishes the pending version (directory.services), the
provider's Global admins get a mail through the outbox, and each decision is in the provider's log."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from directory import services
from directory.forms import RejectForm
from directory.models import Listing, ListingState, PendingListing
from directory.views import logo_response
from partnercenter.errors import DomainError


def _locations(listing: Listing) -> str:
    return format_html_join("", "<div>{}: {}</div>", ((row.get("country"), row.get("url")) for row in listing.locations))


class _ListingAdmin(admin.ModelAdmin):
    list_select_related = ("tenant",)
    search_fields = ("name", "published_name", "tenant__name", "tenant__mpn_id")
    readonly_fields = ("tenant", "name", "logo_preview", "listed", "locations_shown", "state", "reject_reason",
                       "submitted_at", "updated_by", "published_name", "published_listed", "published_at",
                       "decided_at", "decided_by")
    exclude = ("logo", "locations", "published_logo", "revision")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("Locations"))
    def locations_shown(self, obj: Listing) -> str:
        return _locations(obj) or "—"

    @admin.display(description=_("Logo"))
    def logo_preview(self, obj: Listing) -> str:
        if not obj.logo:
            return "—"
        url = reverse("admin:directory_pendinglisting_logo", args=[obj.pk])
        return format_html('<img src="{}" alt="" style="max-width:128px;max-height:128px">', url)

    def get_urls(self) -> list:
        return [path("<int:listing_id>/logo/", self.admin_site.admin_view(self.logo_view),
                     name=f"directory_{self.model._meta.model_name}_logo"), *super().get_urls()]

    def logo_view(self, request: HttpRequest, listing_id: int) -> HttpResponse:
        return logo_response(get_object_or_404(Listing, pk=listing_id).logo)


@admin.register(PendingListing)
class PendingListingAdmin(_ListingAdmin):
    list_display = ("name", "tenant", "listed", "submitted_at", "published_at")
    ordering = ("submitted_at", "id")
    actions = ["approve", "reject"]
    change_form_template = "admin/directory/pending_change_form.html"

    def get_urls(self) -> list:
        return [path("<int:listing_id>/decide/", self.admin_site.admin_view(self.decide_view),
                     name="directory_pendinglisting_decide"), *super().get_urls()]

    def decide_view(self, request: HttpRequest, listing_id: int) -> HttpResponse:
        """Approve or reject the version shown on the change page (its revision travels with the form)."""
        if request.method != "POST" or not self.has_change_permission(request):
            raise PermissionDenied
        changelist = reverse("admin:directory_pendinglisting_changelist")
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            raise PermissionDenied from None
        try:
            if request.POST.get("decision") == "approve":
                listing = services.listing_approve(listing_id=listing_id, operator=request.user,  # type: ignore[arg-type]
                                                   revision=revision)
                self.message_user(request, _("“%(name)s” is published.") % {"name": listing.name}, messages.SUCCESS)
            else:
                listing = services.listing_reject(listing_id=listing_id, operator=request.user,  # type: ignore[arg-type]
                                                  reason=request.POST.get("reason", ""), revision=revision)
                self.message_user(request, _("“%(name)s” was rejected.") % {"name": listing.name}, messages.SUCCESS)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            if Listing.objects.filter(pk=listing_id, state=ListingState.PENDING).exists():
                return redirect(reverse("admin:directory_pendinglisting_change", args=[listing_id]))
        return redirect(changelist)

    def get_queryset(self, request: HttpRequest):  # noqa: ANN201
        return super().get_queryset(request).filter(state=ListingState.PENDING)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm("directory.change_listing")

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm("directory.view_listing") or self.has_change_permission(request, obj)

    @admin.action(description=_("Approve and publish the selected listings"))
    def approve(self, request: HttpRequest, queryset) -> None:  # noqa: ANN001
        done = 0
        for listing in queryset:
            try:
                services.listing_approve(listing_id=listing.pk, operator=request.user)  # type: ignore[arg-type]
            except DomainError as exc:
                self.message_user(request, f"{listing.name}: {exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, _("%(count)s listings approved and published.") % {"count": done},
                              messages.SUCCESS)

    @admin.action(description=_("Reject the selected listings (with a reason)"))
    def reject(self, request: HttpRequest, queryset) -> TemplateResponse | None:  # noqa: ANN001
        form = RejectForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for listing in queryset:
                try:
                    services.listing_reject(listing_id=listing.pk, operator=request.user,  # type: ignore[arg-type]
                                            reason=form.cleaned_data["reason"])
                except DomainError as exc:
                    self.message_user(request, f"{listing.name}: {exc.message}", messages.ERROR)
                else:
                    done += 1
            if done:
                self.message_user(request, _("%(count)s listings rejected.") % {"count": done}, messages.SUCCESS)
            return None
        return TemplateResponse(request, "admin/directory/reject.html", {
            **self.admin_site.each_context(request), "title": _("Reject directory listings"), "form": form,
            "listings": list(queryset), "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })


@admin.register(Listing)
class ListingAdmin(_ListingAdmin):
    list_display = ("name", "tenant", "state", "published_listed", "published_at")
    list_filter = ("state", "published_listed")

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # decisions are taken in the queue (Pending directory listings)
