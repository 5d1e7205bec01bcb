"""The customer's page of an advisor offer in the Admin center (F12): the partner's company profile and
exactly what the customer gets; sign in or create the organisation (the sign-up of F4); "Accept"
(queued, processed by a task) and its result."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invitations.errors import NotAllowed, RequestAlreadyAnswered, RequestNotFound
from invitations.forms import CustomerSignupForm
from invitations.services import acceptance_actor_check
from invitations.views.link import customer_tenant, portal_name
from invitations.views.signup import signup_confirm_page, signup_post
from links.models import LinkStatus
from links.pages import link_probe_blocked, not_found
from offers import selectors, services
from offers.forms import AcceptOfferForm
from offers.models import AdvisorOffer, OfferAcceptance, OfferAcceptanceStatus
from partnercenter import errors, ratelimit
from partnercenter.errors import DomainError
from partnercenter.models import TenantKind
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm
from partnercenter.selectors import company_profile_shown
from partnercenter.views import client_ip


def _closed(request: HttpRequest, offer: AdvisorOffer) -> HttpResponse:
    """A deactivated or expired offer: its own clear page, 410."""
    return render(request, "offers/offer_closed.html", {"offer": offer, "partner": offer.partner,
                                                         "status": offer.effective_status}, status=410)


def _context(request: HttpRequest, offer: AdvisorOffer, token: str, accept_form: AcceptOfferForm | None = None) -> dict:
    customer = customer_tenant(request)
    context: dict = {
        "offer": offer, "partner": offer.partner, "profile": company_profile_shown(tenant=offer.partner),
        "token": token, "portal_name": portal_name(offer), "customer": customer,  # type: ignore[arg-type]
        "accept_form": accept_form or AcceptOfferForm(offer=offer), "blockers": [], "conflicts": [],
        "can_act": False, "actor_problem": "", "previous": None, "signup_form": None,
    }
    if not request.user.is_authenticated:
        context["signup_form"] = CustomerSignupForm(initial={"country": str(offer.partner.country)})
        return context
    if customer is None:
        context["actor_problem"] = _(
            "You are signed in with a partner account. Sign in as a Global admin of the customer organisation.")
        return context
    try:
        acceptance_actor_check(user=request.user, customer=customer, request=offer)  # type: ignore[arg-type]
    except NotAllowed as exc:
        context["actor_problem"] = exc.message
        return context
    context["previous"] = OfferAcceptance.objects.filter(offer=offer, customer=customer).exclude(
        status=OfferAcceptanceStatus.FAILED).first()
    context["blockers"] = services.offer_blockers(offer=offer, customer=customer)
    context["conflicts"] = services.offer_dap_conflicts(offer=offer, customer=customer)
    context["can_act"] = not context["blockers"] and context["previous"] is None
    return context


def advisor_offer(request: HttpRequest, token: str) -> HttpResponse:
    if link_probe_blocked(request):
        return ratelimit.too_many_requests(request)
    offer = services.offer_by_code(token)
    if offer is None:
        return not_found(request)
    if offer.effective_status != LinkStatus.PENDING:
        return _closed(request, offer)
    confirm_key = (request.POST.get("confirm") if request.method == "POST" else request.GET.get("confirm")) or ""
    if confirm_key:
        return signup_confirm_page(request, offer, token, confirm_key[:100])  # type: ignore[arg-type]
    if request.method == "POST" and not request.user.is_authenticated:
        if not ratelimit.hit(request, ratelimit.CUSTOMER_SIGNUP):
            return ratelimit.too_many_requests(request)
        context = _context(request, offer, token)
        form = CustomerSignupForm(request.POST)
        context["signup_form"] = form
        status = 400
        if form.is_valid():
            try:
                response = signup_post(request, offer, form)  # type: ignore[arg-type]
            except DomainError as exc:
                status = errors.show(request, exc, form)
            else:
                if response is not None:
                    return response
        return render(request, "offers/offer_page.html", context, status=status)
    if request.method == "GET":
        services.advisor_offer_opened(offer=offer)
    return render(request, "offers/offer_page.html", _context(request, offer, token))


@require_POST
def advisor_offer_accept(request: HttpRequest, token: str) -> HttpResponse:
    if link_probe_blocked(request):
        return ratelimit.too_many_requests(request)
    offer = services.offer_by_code(token)
    if offer is None:
        return not_found(request)
    if offer.effective_status != LinkStatus.PENDING:
        return _closed(request, offer)
    page_url = reverse("advisor_offer", args=[token])
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={page_url}")
    customer = customer_tenant(request)
    if customer is None:
        messages.error(request, _("Sign in as a Global admin of the customer organisation to accept this offer."))
        return redirect(page_url)
    form = AcceptOfferForm(request.POST, offer=offer)
    status = 400
    if form.is_valid():
        try:
            acceptance = services.offer_accept(
                raw_token=token, user=request.user, customer=customer, quantities=form.quantities(),  # type: ignore[arg-type]
                include_dap=form.cleaned_data["include_dap"], dap_choice=form.cleaned_data["dap_choice"],
                ip=client_ip(request),
            )
            return redirect("offer_acceptance_status", acceptance_id=acceptance.id)
        except RequestNotFound:
            return not_found(request)
        except RequestAlreadyAnswered as exc:
            messages.info(request, exc.message)
            if exc.acceptance_id:
                return redirect("offer_acceptance_status", acceptance_id=exc.acceptance_id)
            return redirect(page_url)
        except DomainError as exc:
            offer.refresh_from_db()
            if offer.effective_status != LinkStatus.PENDING:
                return _closed(request, offer)
            status = errors.show(request, exc, form)
            line_errors = getattr(exc, "line_errors", {})
            for offer_id, message in line_errors.items():
                if f"qty_{offer_id}" in form.fields:
                    form.add_error(f"qty_{offer_id}", str(message))
    return render(request, "offers/offer_page.html", _context(request, offer, token, form), status=status)


@tenant_view(Perm.ADMIN_CENTER_VIEW, kind=TenantKind.CUSTOMER)
def offer_acceptance_status(request: HttpRequest, acceptance_id: str) -> HttpResponse:
    acceptance = selectors.acceptance_for_customer(acceptance_id=acceptance_id, customer=request.tenant)  # type: ignore[attr-defined]
    context = {"acceptance": acceptance, "processing": acceptance.status == OfferAcceptanceStatus.PROCESSING}
    template = "offers/_acceptance_result.html" if request.htmx else "offers/acceptance_status.html"  # type: ignore[attr-defined]
    return render(request, template, context)
