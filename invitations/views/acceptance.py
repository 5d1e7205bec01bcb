"""The customer side of a relationship request (F4): the link's page in the Admin center, accept or
decline, and the status of an acceptance being processed."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.models import Service
from invitations import selectors, services
from invitations.errors import NotAllowed, RequestAlreadyAnswered, RequestNotFound
from invitations.forms import AcceptForm, CustomerSignupForm
from invitations.models import AcceptanceStatus, RelationshipRequest, RequestStatus
from invitations.views.link import customer_tenant, portal_name
from invitations.views.signup import signup_confirm_page, signup_post
from links.pages import link_probe_blocked, not_found
from partnercenter import errors, ratelimit
from partnercenter.errors import DomainError
from partnercenter.models import Tenant, TenantKind
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm
from partnercenter.selectors import company_profile_shown
from partnercenter.views import client_ip


def _page_context(request: HttpRequest, rel_request: RelationshipRequest, token: str) -> dict:
    customer = customer_tenant(request)
    user = request.user
    context: dict = {
        "rel_request": rel_request,
        "partner": rel_request.partner,
        "profile": company_profile_shown(tenant=rel_request.partner),
        "token": token,
        "portal_name": portal_name(rel_request),
        "customer": customer,
        "services": [str(label) for label in Service.labels],
        "blockers": [],
        "conflicts": [],
        "can_act": False,
        "actor_problem": "",
        "previous": None,
        "signup_form": None,
        "accept_form": AcceptForm(),
    }
    if not user.is_authenticated:
        context["signup_form"] = CustomerSignupForm(
            initial={"email": rel_request.email, "country": str(rel_request.partner.country)}
        )
        return context
    if customer is None:
        context["actor_problem"] = _(
            "You are signed in with a partner account. Sign in as a Global admin of the customer organisation."
        )
        return context
    try:
        services.acceptance_actor_check(user=user, customer=customer, request=rel_request)  # type: ignore[arg-type]
    except NotAllowed as exc:
        context["actor_problem"] = exc.message
        return context
    context["previous"] = selectors.acceptance_of(request=rel_request, customer=customer)
    context["blockers"] = services.acceptance_blockers(request=rel_request, customer=customer)
    context["conflicts"] = services.dap_conflicts(request=rel_request, customer=customer)
    context["can_act"] = not context["blockers"] and context["previous"] is None
    return context


def partner_request(request: HttpRequest, token: str) -> HttpResponse:
    if link_probe_blocked(request):
        return ratelimit.too_many_requests(request)
    rel_request = selectors.request_by_token(token)
    customer = customer_tenant(request)
    if not selectors.link_visible(request=rel_request, user=request.user, customer=customer):  # type: ignore[arg-type]
        return not_found(request)
    status = rel_request.effective_status
    if status != RequestStatus.PENDING:
        previous = selectors.acceptance_of(request=rel_request, customer=customer)
        return render(
            request, "invitations/request_closed.html",
            {"rel_request": rel_request, "status": status, "partner": rel_request.partner, "previous": previous},
            status=410,
        )
    confirm_key = (request.POST.get("confirm") if request.method == "POST" else request.GET.get("confirm")) or ""
    if confirm_key:
        return signup_confirm_page(request, rel_request, token, confirm_key[:100])
    context = _page_context(request, rel_request, token)
    if request.method == "POST" and not request.user.is_authenticated:
        # Every post of the sign-up form counts, valid or not: it is the form someone would probe.
        if not ratelimit.hit(request, ratelimit.CUSTOMER_SIGNUP):
            return ratelimit.too_many_requests(request)
        form = CustomerSignupForm(request.POST)
        context["signup_form"] = form
        http_status = 400
        if form.is_valid():
            try:
                response = signup_post(request, rel_request, form)
            except DomainError as exc:
                http_status = errors.show(request, exc, form)
            else:
                if response is not None:
                    return response
        return render(request, "invitations/partner_request.html", context, status=http_status)
    return render(request, "invitations/partner_request.html", context)


@require_POST
def partner_request_accept(request: HttpRequest, token: str) -> HttpResponse:
    return _answer(request, token, accept=True)


@require_POST
def partner_request_decline(request: HttpRequest, token: str) -> HttpResponse:
    return _answer(request, token, accept=False)


def _answer(request: HttpRequest, token: str, *, accept: bool) -> HttpResponse:
    """Accept or decline. The link is judged exactly as its page judges it: whoever the page gives
    the not-found answer gets it here too, also when the request changed between page and click (for
    the answer, judged again by the service on the locked row: as_page=True)."""
    if link_probe_blocked(request):
        return ratelimit.too_many_requests(request)
    page_url = reverse("partner_request", args=[token])
    customer = customer_tenant(request)
    if accept and customer is not None and request.user.is_authenticated:
        # The service judges the link on its locked row with as_page=True, exactly as the look-up below
        # would (RequestNotFound -> the same not-found answer): a read of the link before it is one
        # query and one digest per click fewer. Declining names the partner, so it reads first.
        return _accept(request, token, customer, page_url)
    rel_request = selectors.request_by_token(token)
    if not selectors.link_visible(request=rel_request, user=request.user, customer=customer):  # type: ignore[arg-type]
        return not_found(request)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={page_url}")
    if customer is None:
        messages.error(request, _("Sign in as a Global admin of the customer organisation to answer this request."))
        return redirect(page_url)
    try:
        services.invitation_decline(raw_token=token, user=request.user, customer=customer, ip=client_ip(request),  # type: ignore[arg-type]
                                    as_page=True)
        messages.success(request, _("You declined the request from %(partner)s.") % {"partner": rel_request.partner.name})
        return redirect("admin_center_home")
    except RequestNotFound:
        return not_found(request)
    except DomainError as exc:
        return _answer_refused(request, exc, page_url)


def _accept(request: HttpRequest, token: str, customer: Tenant, page_url: str) -> HttpResponse:
    form = AcceptForm(request.POST)
    choice = form.cleaned_data.get("dap_choice", "") if form.is_valid() else ""
    try:
        acceptance = services.invitation_accept(
            raw_token=token, user=request.user, customer=customer, dap_choice=choice, ip=client_ip(request),  # type: ignore[arg-type]
            as_page=True,
        )
    except RequestNotFound:
        return not_found(request)
    except DomainError as exc:
        return _answer_refused(request, exc, page_url)
    return redirect("acceptance_status", acceptance_id=acceptance.id)


def _answer_refused(request: HttpRequest, exc: DomainError, page_url: str) -> HttpResponse:
    # What became of the link since its page was read, judged by the service on the locked row: that
    # answer stands; a read here, after its transaction, would see the worker's later work.
    if isinstance(exc, RequestAlreadyAnswered):
        messages.info(request, exc.message)
        if exc.acceptance_id:
            return redirect("acceptance_status", acceptance_id=exc.acceptance_id)
        return redirect(page_url)
    errors.show(request, exc)
    return redirect(page_url)


@tenant_view(Perm.ADMIN_CENTER_VIEW, kind=TenantKind.CUSTOMER)
def acceptance_status(request: HttpRequest, acceptance_id: str) -> HttpResponse:
    acceptance = selectors.acceptance_for_customer(acceptance_id=acceptance_id, customer=request.tenant)  # type: ignore[attr-defined]
    context = {"acceptance": acceptance, "processing": acceptance.status == AcceptanceStatus.PROCESSING}
    template = "invitations/_acceptance_result.html" if request.htmx else "invitations/acceptance_status.html"  # type: ignore[attr-defined]
    return render(request, template, context)
