"""The partner's advisor offer pages (F12): Trial invitations, Purchase offers, Delegated administration
offers — their lists with uses, creating one, its URL, "Send new offer", a new URL, deactivating."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.rules import dap_allowed
from links.kinds import link_path
from offers import selectors, services
from offers.forms import PurchaseOfferForm, TrialInvitationForm
from offers.models import AdvisorOffer, OfferKind
from partnercenter import errors
from partnercenter.errors import DomainError
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm
from partnercenter.views import client_ip

LIST_URLS = {OfferKind.TRIAL: "offers:trial_list", OfferKind.PURCHASE: "offers:purchase_list",
             OfferKind.DAP: "offers:dap_list"}
# A list's heading is the sidebar's entry (plural); a single offer's page says its kind (OfferKind's label).
LIST_LABELS = {OfferKind.TRIAL: gettext_lazy("Trial invitations"), OfferKind.PURCHASE: gettext_lazy("Purchase offers"),
               OfferKind.DAP: gettext_lazy("Delegated administration offers")}
CREATE_URLS = {OfferKind.TRIAL: "offers:trial_create", OfferKind.PURCHASE: "offers:purchase_create",
               OfferKind.DAP: "offers:dap_create"}
_SHOWN_ONCE = "advisor-offer-url:%d"  # the session key holding a new URL until its page showed it


def _url_keep(request: HttpRequest, offer: AdvisorOffer, raw: str) -> None:
    """Only the digest of the code is stored; the URL itself is shown once, on the offer's page."""
    request.session[_SHOWN_ONCE % offer.pk] = request.build_absolute_uri(link_path(offer.kind, raw))


@tenant_view(Perm.ADVISOR_OFFERS)
def offer_list(request: HttpRequest, offer_kind: str) -> HttpResponse:
    before = request.GET.get("before", "")
    rows = selectors.offers_of_partner(partner=request.tenant, offer_kind=offer_kind,  # type: ignore[attr-defined]
                                       before=int(before) if before.isdigit() else None)
    more = len(rows) > selectors.PAGE_SIZE
    rows = rows[: selectors.PAGE_SIZE]
    return render(request, "offers/list.html", {
        "offer_kind": offer_kind, "kind_label": LIST_LABELS[OfferKind(offer_kind)], "rows": rows,
        "create_url": CREATE_URLS[offer_kind], "next_before": rows[-1].pk if more else None,
    })


def _create(request: HttpRequest, offer_kind: str, form: object, copied_from: AdvisorOffer | None = None) -> HttpResponse:
    partner = request.tenant  # type: ignore[attr-defined]
    status = 200
    if request.method == "POST":
        status = 400
        if form is None or form.is_valid():  # type: ignore[attr-defined]
            try:
                offer, raw = services.advisor_offer_create(
                    partner=partner, actor=request.user, offer_kind=offer_kind,  # type: ignore[arg-type]
                    lines=form.lines() if form is not None else [],  # type: ignore[attr-defined]
                    include_dap=bool(form.cleaned_data.get("include_dap")) if form is not None else True,  # type: ignore[attr-defined]
                    copied_from=copied_from, ip=client_ip(request),
                )
            except DomainError as exc:
                status = errors.show(request, exc, form)
            else:
                _url_keep(request, offer, raw)
                messages.success(request, _("The offer was created. Copy its URL now: it is shown only once."))
                return redirect("offers:detail", offer_id=offer.pk)
    return render(request, "offers/form.html", {
        "offer_kind": offer_kind, "kind_label": OfferKind(offer_kind).label, "form": form,
        "list_url": LIST_URLS[offer_kind], "copied_from": copied_from, "dap_possible": dap_allowed(partner),
    }, status=status)


@tenant_view(Perm.ADVISOR_OFFERS)
def trial_create(request: HttpRequest) -> HttpResponse:
    partner = request.tenant  # type: ignore[attr-defined]
    data = request.POST if request.method == "POST" else None
    form = TrialInvitationForm(data, partner=partner, dap_possible=dap_allowed(partner))
    return _create(request, OfferKind.TRIAL, form)


@tenant_view(Perm.ADVISOR_OFFERS)
def purchase_create(request: HttpRequest) -> HttpResponse:
    """A new purchase offer; ?from=<id> ("Send new offer") starts from a copy of one of the partner's own."""
    partner = request.tenant  # type: ignore[attr-defined]
    source = request.GET.get("from") or request.POST.get("from")
    copied_from = selectors.offer_for_partner(partner=partner, offer_id=source) if source else None
    if copied_from is not None and copied_from.offer_kind != OfferKind.PURCHASE:
        copied_from = None
    counts = {line.offer_id: line.quantity for line in copied_from.lines.all()} if copied_from else {}
    data = request.POST if request.method == "POST" else None
    form = PurchaseOfferForm(data, dap_possible=dap_allowed(partner), initial_counts=counts,
                             initial={"include_dap": copied_from.include_dap} if copied_from else None)
    return _create(request, OfferKind.PURCHASE, form, copied_from)


@tenant_view(Perm.ADVISOR_OFFERS)
def dap_create(request: HttpRequest) -> HttpResponse:
    return _create(request, OfferKind.DAP, None)


@tenant_view(Perm.ADVISOR_OFFERS)
def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = selectors.offer_for_partner(partner=request.tenant, offer_id=offer_id)  # type: ignore[attr-defined]
    return render(request, "offers/detail.html", {
        "offer": offer, "url": request.session.pop(_SHOWN_ONCE % offer.pk, ""),
        "list_url": LIST_URLS[offer.offer_kind], "acceptances": selectors.offer_acceptances(offer=offer),
    })


@tenant_view(Perm.ADVISOR_OFFERS)
def offer_new_url(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = selectors.offer_for_partner(partner=request.tenant, offer_id=offer_id)  # type: ignore[attr-defined]
    if request.method != "POST":
        return redirect("offers:detail", offer_id=offer.pk)
    try:
        raw = services.advisor_offer_reissue(offer=offer, actor=request.user, ip=client_ip(request))  # type: ignore[arg-type]
    except DomainError as exc:
        errors.show(request, exc)
    else:
        _url_keep(request, offer, raw)
        messages.success(request, _("The offer has a new URL; the old one no longer works."))
    return redirect("offers:detail", offer_id=offer.pk)


@tenant_view(Perm.ADVISOR_OFFERS)
def offer_deactivate(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = selectors.offer_for_partner(partner=request.tenant, offer_id=offer_id)  # type: ignore[attr-defined]
    if request.method != "POST":
        return render(request, "offers/deactivate.html", {"offer": offer, "list_url": LIST_URLS[offer.offer_kind]})
    try:
        services.advisor_offer_deactivate(offer=offer, actor=request.user, ip=client_ip(request))  # type: ignore[arg-type]
    except DomainError as exc:
        errors.show(request, exc)
        return redirect("offers:detail", offer_id=offer.pk)
    messages.success(request, _("The offer was deactivated. Its URL no longer works."))
    return redirect(LIST_URLS[offer.offer_kind])
