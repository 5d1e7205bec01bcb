"""The provider's "Directory listing" page (Company profile), the public "Indirect providers directory",
its logos, and a registered reseller's "Request to partner"."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_countries import countries

from directory import selectors, services
from directory.forms import ListingForm, LocationFormSet
from directory.models import Listing, ListingState
from partnercenter import errors
from partnercenter.clientip import client_ip
from partnercenter.errors import DomainError
from partnercenter.models import PartnerType, Tenant
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm
from resellers import selectors as reseller_selectors
from resellers import services as reseller_services

CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg"}


def _provider(request: HttpRequest) -> Tenant:
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.partner_type != PartnerType.INDIRECT_PROVIDER:
        raise Http404
    return tenant


def _initial(listing: Listing | None, tenant: Tenant) -> tuple[dict, list[dict]]:
    if listing is None:
        profile = getattr(tenant, "profile", None)
        return {"name": getattr(profile, "legal_name", "") or tenant.name, "listed": True}, []
    return {"name": listing.name, "listed": listing.listed}, list(listing.locations)


@tenant_view(get=Perm.PROFILE_VIEW, post=Perm.PROFILE_EDIT)
def listing_edit(request: HttpRequest) -> HttpResponse:
    tenant = _provider(request)
    listing = selectors.listing_of(tenant=tenant)
    may_edit = request.tenancy.has(Perm.PROFILE_EDIT)  # type: ignore[attr-defined]
    status = 200
    if request.method == "POST":
        form = ListingForm(request.POST, request.FILES)
        locations = LocationFormSet(request.POST, prefix="locations")
        status = 400
        if form.is_valid() and locations.is_valid():
            submit = request.POST.get("action") == "submit"
            data = services.ListingInput(
                name=form.cleaned_data["name"], listed=form.cleaned_data["listed"], locations=locations.rows(),
                logo=form.cleaned_data["logo"], remove_logo=form.cleaned_data["remove_logo"],
            )
            try:
                services.listing_save(tenant=tenant, actor=request.user, data=data, submit=submit,  # type: ignore[arg-type]
                                      ip=client_ip(request))
            except DomainError as exc:
                status = errors.show(request, exc, form)
            else:
                messages.success(request, _("Your listing was submitted. An operator reviews it before it goes live.")
                                 if submit else _("Your listing was saved as a draft."))
                return redirect("directory:listing")
    else:
        initial, rows = _initial(listing, tenant)
        form = ListingForm(initial=initial)
        locations = LocationFormSet(initial=rows, prefix="locations")
    return render(request, "directory/listing_edit.html", {
        "form": form, "locations": locations, "listing": listing, "may_edit": may_edit, "states": ListingState,
    }, status=status)


def logo_response(name: str) -> HttpResponse:
    extension = name.rpartition(".")[2]
    if not name or extension not in CONTENT_TYPES:
        raise Http404
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=CONTENT_TYPES[extension])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@tenant_view(Perm.PROFILE_VIEW)
def listing_logo(request: HttpRequest) -> HttpResponse:
    """The working version's logo, for the provider's own page (not public until approved)."""
    listing = selectors.listing_of(tenant=_provider(request))
    return logo_response(listing.logo if listing else "")


# --- Public ----------------------------------------------------------------------------------------


def directory_list(request: HttpRequest) -> HttpResponse:
    search = (request.GET.get("q") or "").strip()[: selectors.SEARCH_MAX]
    country = (request.GET.get("country") or "").strip().upper()[:2]
    country = country if country in dict(countries) else ""
    page = selectors.directory_page(search=search, country=country, number=request.GET.get("page") or 1)
    tenant = getattr(request, "tenant", None)
    tenancy = getattr(request, "tenancy", None)
    may_request = bool(
        request.user.is_authenticated and tenant is not None and tenant.partner_type == PartnerType.INDIRECT_RESELLER
        and tenancy is not None and tenancy.has(Perm.PARTNERSHIPS_MANAGE)
    )
    if may_request:
        states = reseller_selectors.provider_states_for(reseller=tenant,
                                                        provider_ids=[listing.tenant_id for listing in page])
        for listing in page:
            listing.partner_state = states.get(listing.tenant_id, "")
    return render(request, "directory/directory.html", {
        "page": page, "search": search, "country": country, "countries": selectors.directory_countries(),
        "may_request": may_request,
    })


def directory_logo(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = selectors.public_listing(listing_id=listing_id)
    return logo_response(listing.published_logo if listing else "")


@tenant_view(Perm.PARTNERSHIPS_MANAGE)
def request_to_partner(request: HttpRequest) -> HttpResponse:
    """ "Request to partner": a partnership request from this reseller to a listed provider, through the
    resellers app's lifecycle (the provider answers it among its partnership requests)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    reseller = request.tenant  # type: ignore[attr-defined]
    if reseller.partner_type != PartnerType.INDIRECT_RESELLER:
        raise Http404
    listing = selectors.public_listing(listing_id=request.POST.get("listing", ""))
    if listing is None:
        raise Http404
    try:
        reseller_services.partnership_request_ask(reseller=reseller, provider=listing.tenant,
                                                  actor=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        errors.show(request, exc)
    else:
        messages.success(request, _("Your partnership request was sent to %(name)s. You are partnered once it "
                                    "accepts.") % {"name": listing.published_name})
    return redirect(request.POST.get("back") if _safe_back(request.POST.get("back", "")) else "directory:list")


def _safe_back(value: str) -> bool:
    return value.startswith("/directory/") and "//" not in value and "\\" not in value
