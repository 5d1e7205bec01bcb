"""Request a reseller relationship (F2, partner) and the Admin center acceptance page (F4, customer)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.base_user import BaseUserManager
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.models import Service
from customers.rules import customer_country_allowed, dap_allowed, in_us_government_cloud
from invitations import selectors, services
from invitations.draftlinks import draft_link_drop, draft_link_get, draft_link_keep
from invitations.errors import (
    NotAllowed,
    PendingRequestExists,
    RequestAlreadyAnswered,
    RequestNotFound,
)
from invitations.forms import AcceptForm, CustomerSignupForm, DraftForm, RelationshipRequestForm
from invitations.models import AcceptanceStatus, RelationshipRequest, RequestStatus
from links.tokens import email_normalize
from partnercenter import errors, ratelimit
from partnercenter.domains import to_unicode
from partnercenter.errors import DomainError
from partnercenter.middleware import ACTIVE_TENANT_SESSION_KEY
from partnercenter.models import PartnerType, TenantKind
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm
from partnercenter.selectors import company_profile_of, company_profile_shown, region_name_for_country
from partnercenter.views import client_ip

REQUESTS_PAGE_SIZE = 50
T = TypeVar("T")


# --- Partner side -------------------------------------------------------------------------------


def _draft_context(request: HttpRequest, rel_request: RelationshipRequest, raw_token: str,
                   form: DraftForm | None = None) -> dict:
    link = request.build_absolute_uri(services.acceptance_path(raw_token))
    profile = company_profile_of(tenant=rel_request.partner)
    if form is None:
        body = render_to_string(
            "invitations/draft_body.txt",
            {"profile": profile, "partner": rel_request.partner, "link": link, "request_obj": rel_request,
             "expiry_days": settings.INVITATION_EXPIRY_DAYS},
        )
        subject = _("%(partner)s invites you to a reseller relationship") % {"partner": profile.legal_name}
        form = DraftForm(initial={"subject": subject, "body": body, "token": raw_token})
    return {"rel_request": rel_request, "link": link, "form": form, "raw_token": raw_token}


def render_draft(request: HttpRequest, rel_request: RelationshipRequest, raw_token: str,
                  form: DraftForm | None = None, status: int = 200) -> HttpResponse:
    return render(request, "invitations/draft.html", _draft_context(request, rel_request, raw_token, form),
                  status=status)


def reissue_confirmed(create: Callable[..., T], posted: str | None) -> T:
    """Create a request; a pending one is re-issued only when the form confirmed re-issuing that very
    request (the warning's button posts its id). Enter on a form whose address changed since the
    warning asks again instead of killing the link of another request."""
    try:
        return create(reissue=False)
    except PendingRequestExists as exc:
        if posted and posted == str(exc.existing.pk):
            return create(reissue=True)
        raise


def reissue_context(exc: PendingRequestExists, include_dap: bool) -> dict:
    """What the confirmation before re-issuing a pending request shows (relationship requests)."""
    return {"existing": exc.existing, "new_include_dap": include_dap}


@tenant_view(Perm.RELATIONSHIP_REQUEST)
def request_relationship(request: HttpRequest) -> HttpResponse:
    partner = request.tenant  # type: ignore[attr-defined]
    if partner.partner_type == PartnerType.INDIRECT_RESELLER:
        # An indirect reseller invites with its provider (F3, the combined invitation).
        return redirect("resellers:invite")
    is_usgov = not dap_allowed(partner)
    may_dap = request.tenancy.has(Perm.RELATIONSHIP_REQUEST_DAP)  # type: ignore[attr-defined]
    form = RelationshipRequestForm(request.POST if request.method == "POST" else None, allow_dap=not is_usgov)
    reissue = None
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        include_dap = bool(form.cleaned_data.get("include_dap"))
        try:
            rel_request, raw_token = reissue_confirmed(partial(
                services.invitation_create,
                partner=partner,
                actor=request.user,  # type: ignore[arg-type]
                include_dap=include_dap,
                customer_email=form.cleaned_data.get("customer_email") or "",
                reusable=bool(form.cleaned_data.get("reusable")),
                ip=client_ip(request),
            ), request.POST.get("reissue"))
        except PendingRequestExists as exc:
            reissue, status = reissue_context(exc, include_dap), 200  # the confirmation, not a refusal
        except DomainError as exc:
            status = errors.show(request, exc, form)
        else:
            # POST, redirect, GET: refreshing the draft shows it again and creates nothing.
            draft_link_keep(request, "relationship", rel_request.id, raw_token)
            return redirect("invitations:draft", request_id=rel_request.id)
    return render(
        request,
        "invitations/request_form.html",
        {"form": form, "is_usgov": is_usgov, "may_dap": may_dap, "reissue": reissue},
        status=status,
    )


@tenant_view(Perm.RELATIONSHIP_REQUEST)
def request_draft(request: HttpRequest, request_id: int) -> HttpResponse:
    """The draft of a request just created or re-issued in this session."""
    rel_request = selectors.request_for_partner(partner=request.tenant, request_id=request_id)  # type: ignore[attr-defined]
    raw_token = draft_link_get(request, "relationship", rel_request.id, rel_request.token_digest)
    if raw_token is None or rel_request.effective_status != RequestStatus.PENDING:
        messages.info(request, _("This draft is no longer open. Use Resend to get a new link."))
        return redirect("invitations:list")
    return render_draft(request, rel_request, raw_token)


@tenant_view(Perm.RELATIONSHIP_REQUEST)
def request_send(request: HttpRequest, request_id: int) -> HttpResponse:
    # Look the object up before checking the method: another tenant's id is a 404 for every method.
    rel_request = selectors.request_for_partner(partner=request.tenant, request_id=request_id)  # type: ignore[attr-defined]
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = DraftForm(request.POST)
    raw_token = request.POST.get("token", "")[:100]
    from links.tokens import token_digest

    if rel_request.token_digest != token_digest(raw_token):
        messages.error(request, _("This link was replaced by a newer one. Use Resend to get the current link."))
        return redirect("invitations:list")
    status = 400
    if form.is_valid():
        link = request.build_absolute_uri(services.acceptance_path(raw_token))
        try:
            services.invitation_send(
                request=rel_request, actor=request.user, raw_token=raw_token,  # type: ignore[arg-type]
                subject=form.cleaned_data["subject"], body=form.cleaned_data["body"], link=link, ip=client_ip(request),
                draft_language=get_language(),
            )
        except DomainError as exc:
            status = errors.show(request, exc, form)
        else:
            draft_link_drop(request, "relationship", rel_request.id)
            messages.success(request, _("The request was sent to %(email)s.") % {"email": to_unicode(rel_request.email)})
            return redirect("invitations:list")
    return render_draft(request, rel_request, raw_token, form=form, status=status)


@tenant_view(Perm.REQUESTS_VIEW)
def request_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in RequestStatus.values else ""
    try:
        before = int(request.GET.get("before") or 0) or None
    except (ValueError, OverflowError):
        before = None
    rows, more = selectors.requests_page(partner=request.tenant, status=status, before=before,  # type: ignore[attr-defined]
                                         page_size=REQUESTS_PAGE_SIZE)
    return render(
        request,
        "invitations/request_list.html",
        {
            "rows": rows,
            "next_before": rows[-1].id if more else None,
            "status": status,
            "statuses": RequestStatus.choices,
            "may_manage": request.tenancy.has(Perm.RELATIONSHIP_REQUEST),  # type: ignore[attr-defined]
        },
    )


@tenant_view(Perm.REQUESTS_VIEW)
def request_acceptances(request: HttpRequest, request_id: int) -> HttpResponse:
    """The customers who accepted a reusable link (the list names the first few)."""
    from django.core.paginator import Paginator

    rel_request = selectors.request_for_partner(partner=request.tenant, request_id=request_id)  # type: ignore[attr-defined]
    page = Paginator(selectors.accepted_by(request=rel_request), REQUESTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "invitations/request_acceptances.html", {"rel_request": rel_request, "page": page})


@tenant_view(Perm.RELATIONSHIP_REQUEST)
def request_resend(request: HttpRequest, request_id: int) -> HttpResponse:
    rel_request = selectors.request_for_partner(partner=request.tenant, request_id=request_id)  # type: ignore[attr-defined]
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        raw_token = services.invitation_resend(request=rel_request, actor=request.user, ip=client_ip(request))  # type: ignore[arg-type]
    except DomainError as exc:
        errors.show(request, exc)
        return redirect("invitations:list")
    messages.success(request, _("A new link was issued. The previous link no longer works."))
    draft_link_keep(request, "relationship", rel_request.id, raw_token)
    return redirect("invitations:draft", request_id=rel_request.id)


@tenant_view(Perm.RELATIONSHIP_REQUEST)
def request_revoke(request: HttpRequest, request_id: int) -> HttpResponse:
    rel_request = selectors.request_for_partner(partner=request.tenant, request_id=request_id)  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            services.invitation_revoke(request=rel_request, actor=request.user, ip=client_ip(request))  # type: ignore[arg-type]
        except DomainError as exc:
            errors.show(request, exc)
        else:
            messages.success(request, _("The request was revoked. Its link no longer works."))
        return redirect("invitations:list")
    return render(request, "invitations/request_revoke.html", {"rel_request": rel_request})


# --- Customer side: the Admin center page -------------------------------------------------------


def not_found(request: HttpRequest) -> HttpResponse:
    """One page for unknown, revoked, foreign and (to anyone but the rightful customer) used links.
    Each one counts against the client address's limit of not-found look-ups."""
    if not ratelimit.hit(request, ratelimit.LINK_PROBE):
        return ratelimit.too_many_requests(request)
    return render(request, "invitations/not_found.html", status=404)


def link_probe_blocked(request: HttpRequest) -> bool:
    """Once an address used up its not-found look-ups, every link look-up of it answers 429: found
    links too, or the 429 itself would tell which tokens exist."""
    return ratelimit.exhausted(request, ratelimit.LINK_PROBE)


def _customer_tenant(request: HttpRequest):
    tenant = getattr(request, "tenant", None)
    return tenant if tenant is not None and tenant.kind == TenantKind.CUSTOMER else None


def _page_context(request: HttpRequest, rel_request: RelationshipRequest, token: str) -> dict:
    customer = _customer_tenant(request)
    user = request.user
    context: dict = {
        "rel_request": rel_request,
        "partner": rel_request.partner,
        "profile": company_profile_shown(tenant=rel_request.partner),
        "token": token,
        "portal_name": _("Office admin portal") if in_us_government_cloud(rel_request.partner) else _("Admin center"),
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
    customer = _customer_tenant(request)
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
        return _signup_confirm(request, rel_request, token, confirm_key[:100])
    context = _page_context(request, rel_request, token)
    if request.method == "POST" and not request.user.is_authenticated:
        # Every post of the sign-up form counts, valid or not: it is the form someone would probe.
        if not ratelimit.hit(request, ratelimit.CUSTOMER_SIGNUP):
            return ratelimit.too_many_requests(request)
        form = CustomerSignupForm(request.POST)
        context["signup_form"] = form
        status = 400
        if form.is_valid():
            try:
                response = _signup(request, rel_request, form)
            except DomainError as exc:
                status = errors.show(request, exc, form)
            else:
                if response is not None:
                    return response
        return render(request, "invitations/partner_request.html", context, status=status)
    return render(request, "invitations/partner_request.html", context)


def _portal_name(rel_request: RelationshipRequest) -> str:
    return _("Office admin portal") if in_us_government_cloud(rel_request.partner) else _("Admin center")


def _signup_confirm(request: HttpRequest, rel_request: RelationshipRequest, token: str, key: str) -> HttpResponse:
    """The link of the confirmation mail: shows what will be created, creates it on POST."""
    from invitations import signup
    from partnercenter.domains import domain_to_unicode

    pending = signup.signup_pending(rel_request=rel_request, key=key)
    if pending is None:
        return not_found(request)
    context = {"rel_request": rel_request, "partner": rel_request.partner, "portal_name": _portal_name(rel_request),
               "pending": pending, "domain_display": domain_to_unicode(pending["primary_domain"]),
               "confirm_key": key, "error": ""}
    if request.method != "POST":
        return render(request, "invitations/signup_confirm.html", context)
    try:
        customer, user = signup.signup_confirm(rel_request=rel_request, key=key, ip=client_ip(request))
    except RequestNotFound:
        return not_found(request)
    except DomainError as exc:
        # Told only now, to the person who holds the mailbox, after a rate-limited round trip.
        if exc.field == "primary_domain":
            context["error"] = _("This domain is already registered to an organisation. If it is your "
                                 "organisation's, ask its Global admin to accept the request. Otherwise start "
                                 "again with your organisation's own domain.")
        else:
            context["error"] = exc.message
        return render(request, "invitations/signup_confirm.html", context, status=exc.status)
    login(request, user, backend="partnercenter.backends.ModelBackend")
    request.session[ACTIVE_TENANT_SESSION_KEY] = str(customer.id)
    messages.success(request, _("Your organisation %(name)s was created. You are its Global admin.") % {
        "name": customer.name})
    return redirect(request.path)


def _signup(request: HttpRequest, rel_request: RelationshipRequest, form: CustomerSignupForm) -> HttpResponse | None:
    """The response once signed up, or None when the form says what is wrong; a DomainError of the
    creation (domain or account taken) goes to the caller, which shows it."""
    from partnercenter.services import customer_with_admin_create

    data = form.cleaned_data
    if customer_country_allowed(rel_request.partner, data["country"]) is not None:
        form.add_error(
            "country",
            _("%(partner)s can only form reseller relationships with customers in %(region)s.")
            % {"partner": rel_request.partner.name, "region": region_name_for_country(str(rel_request.partner.country))},
        )
        return None
    addressed = rel_request.email
    if addressed and email_normalize(data["email"]) != addressed:
        form.add_error("email", _("This request was sent to a different email address. Use that address."))
        return None
    if not addressed:
        # A link anyone may hold: the same answer whether the account or the domain exists or not.
        from invitations import signup

        signup.signup_start(rel_request=rel_request, raw_token=request.resolver_match.kwargs["token"],
                            data=data, language=getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
                            origin=request.build_absolute_uri("/"))
        return render(request, "invitations/signup_check_email.html", {
            "email": BaseUserManager.normalize_email(data["email"]), "partner_name": rel_request.partner.name,
            "portal_name": _portal_name(rel_request), "hours": signup.CONFIRM_SECONDS // 3600,
        })
    customer, user = customer_with_admin_create(
        company_name=data["company_name"],
        primary_domain=data["primary_domain"],
        country=data["country"],
        cloud=rel_request.partner.cloud,
        email=data["email"],
        password=data["password"],
        language=getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        # Holding the link that was mailed to this address proves the address.
        email_verified=bool(addressed),
        ip=client_ip(request),
    )
    login(request, user, backend="partnercenter.backends.ModelBackend")
    request.session[ACTIVE_TENANT_SESSION_KEY] = str(customer.id)
    messages.success(request, _("Your organisation %(name)s was created. You are its Global admin.") % {
        "name": customer.name})
    return redirect(request.path)


@require_POST
def partner_request_accept(request: HttpRequest, token: str) -> HttpResponse:
    return _answer(request, token, accept=True)


@require_POST
def partner_request_decline(request: HttpRequest, token: str) -> HttpResponse:
    return _answer(request, token, accept=False)


def _answer(request: HttpRequest, token: str, *, accept: bool) -> HttpResponse:
    """Accept or decline. The link is judged exactly as its page judges it: whoever the page gives
    the not-found answer gets it here too, also when the request changed between page and click."""
    if link_probe_blocked(request):
        return ratelimit.too_many_requests(request)
    page_url = reverse("partner_request", args=[token])
    customer = _customer_tenant(request)
    rel_request = selectors.request_by_token(token)
    if not selectors.link_visible(request=rel_request, user=request.user, customer=customer):  # type: ignore[arg-type]
        return not_found(request)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={page_url}")
    if customer is None:
        messages.error(request, _("Sign in as a Global admin of the customer organisation to answer this request."))
        return redirect(page_url)
    try:
        if accept:
            form = AcceptForm(request.POST)
            choice = form.cleaned_data.get("dap_choice", "") if form.is_valid() else ""
            acceptance = services.invitation_accept(
                raw_token=token, user=request.user, customer=customer, dap_choice=choice, ip=client_ip(request)  # type: ignore[arg-type]
            )
            return redirect("acceptance_status", acceptance_id=acceptance.id)
        services.invitation_decline(raw_token=token, user=request.user, customer=customer, ip=client_ip(request))  # type: ignore[arg-type]
        messages.success(request, _("You declined the request from %(partner)s.") % {"partner": rel_request.partner.name})
        return redirect("admin_center_home")
    except RequestNotFound:
        return not_found(request)
    except DomainError as exc:
        # The request may have closed since the look-up above: judge it again as the page would.
        if not selectors.link_visible(request=selectors.request_by_token(token), user=request.user,  # type: ignore[arg-type]
                                     customer=customer):
            return not_found(request)
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
