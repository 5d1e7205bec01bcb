"""Indirect resellers (provider side, F6), Indirect providers (reseller side, F7) and the partnership
link page."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from customers.rules import dap_allowed
from invitations.draftlinks import draft_link_drop, draft_link_get, draft_link_keep
from invitations.errors import PendingRequestExists
from invitations.forms import DraftForm
from invitations.services import invitation_create
from invitations.views.partner import reissue_confirmed, reissue_context
from links.pages import link_probe_blocked, not_found
from links.tokens import token_digest
from partnercenter import errors, ratelimit
from partnercenter.errors import DomainError, NotFound
from partnercenter.models import PartnerType, Tenant
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm
from partnercenter.selectors import company_profile_of, company_profile_shown
from resellers import selectors, services
from resellers.forms import CombinedInvitationForm, PartnershipRequestForm, RemovePartnershipForm
from resellers.models import IndirectPartnership, PartnershipRequest, PartnershipRequestStatus

REQUESTS_SHOWN = 50


def _provider(request: HttpRequest) -> Tenant:
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.partner_type != PartnerType.INDIRECT_PROVIDER:
        raise Http404
    return tenant


def _reseller(request: HttpRequest) -> Tenant:
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.partner_type != PartnerType.INDIRECT_RESELLER:
        raise Http404
    return tenant


# --- Provider: Indirect resellers ---------------------------------------------------------------


@tenant_view(Perm.PARTNERSHIPS_VIEW)
def reseller_list(request: HttpRequest) -> HttpResponse:
    provider = _provider(request)
    search = (request.GET.get("q") or "").strip()[:100]
    page = selectors.partnerships_page(provider=provider, search=search, number=request.GET.get("page") or 1)
    requests = selectors.partnership_requests_recent(provider=provider, limit=REQUESTS_SHOWN)
    return render(request, "resellers/reseller_list.html", {
        "page": page, "search": search, "requests": requests,
        "may_manage": request.tenancy.has(Perm.PARTNERSHIPS_MANAGE),  # type: ignore[attr-defined]
    })


def _draft(request: HttpRequest, partnership_request: PartnershipRequest, raw_token: str,
           form: DraftForm | None = None, status: int = 200) -> HttpResponse:
    link = request.build_absolute_uri(services.partnership_path(raw_token))
    profile = company_profile_of(tenant=partnership_request.provider)
    if form is None:
        body = render_to_string("resellers/draft_body.txt", {
            "profile": profile, "link": link, "expiry_days": settings.INVITATION_EXPIRY_DAYS})
        subject = _("%(provider)s invites you to an indirect reseller partnership") % {"provider": profile.legal_name}
        form = DraftForm(initial={"subject": subject, "body": body, "token": raw_token})
    recipient = selectors.partnership_request_recipient(partnership_request)
    return render(request, "resellers/draft.html", {
        "partnership_request": partnership_request, "link": link, "form": form, "recipient": recipient,
    }, status=status)


@tenant_view(Perm.PARTNERSHIPS_MANAGE)
def partnership_request_new(request: HttpRequest) -> HttpResponse:
    provider = _provider(request)
    form = PartnershipRequestForm(request.POST if request.method == "POST" else None)
    reissue = None
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            partnership_request, raw = reissue_confirmed(partial(
                services.partnership_request_create,
                provider=provider, actor=request.user,  # type: ignore[arg-type]
                reseller_mpn_id=form.cleaned_data["reseller_mpn_id"], email=form.cleaned_data["email"],
            ), request.POST.get("reissue"))
        except PendingRequestExists as exc:
            reissue, status = {"existing": exc.existing}, 200  # the confirmation, not a refusal
        except DomainError as exc:
            status = errors.show(request, exc, form)
        else:
            # POST, redirect, GET: refreshing the draft shows it again and creates nothing.
            draft_link_keep(request, "partnership", partnership_request.id, raw)
            return redirect("resellers:draft", request_id=partnership_request.id)
    return render(request, "resellers/request_form.html", {"form": form, "reissue": reissue}, status=status)


@tenant_view(Perm.PARTNERSHIPS_MANAGE)
def partnership_request_draft(request: HttpRequest, request_id: int) -> HttpResponse:
    """The draft of a partnership request just created or re-issued in this session."""
    provider = _provider(request)
    partnership_request = selectors.partnership_request_for_provider(provider=provider, request_id=request_id)
    raw = draft_link_get(request, "partnership", partnership_request.id, partnership_request.token_digest)
    if raw is None or partnership_request.effective_status != PartnershipRequestStatus.PENDING:
        messages.info(request, _("This draft is no longer open. Use Resend to get a new link."))
        return redirect("resellers:list")
    return _draft(request, partnership_request, raw)


@tenant_view(Perm.PARTNERSHIPS_MANAGE)
def partnership_request_send(request: HttpRequest, request_id: int) -> HttpResponse:
    provider = _provider(request)
    partnership_request = selectors.partnership_request_for_provider(provider=provider, request_id=request_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    raw = request.POST.get("token", "")[:100]
    if partnership_request.token_digest != token_digest(raw):
        messages.error(request, _("This link was replaced by a newer one. Use Resend to get the current link."))
        return redirect("resellers:list")
    form = DraftForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.partnership_request_send(
                request=partnership_request, actor=request.user, raw_token=raw,  # type: ignore[arg-type]
                subject=form.cleaned_data["subject"], body=form.cleaned_data["body"],
                link=request.build_absolute_uri(services.partnership_path(raw)), draft_language=get_language(),
            )
        except DomainError as exc:
            status = errors.show(request, exc, form)
        else:
            draft_link_drop(request, "partnership", partnership_request.id)
            messages.success(request, _("The partnership request was sent."))
            return redirect("resellers:list")
    return _draft(request, partnership_request, raw, form=form, status=status)


@tenant_view(Perm.PARTNERSHIPS_MANAGE)
def partnership_request_resend(request: HttpRequest, request_id: int) -> HttpResponse:
    provider = _provider(request)
    partnership_request = selectors.partnership_request_for_provider(provider=provider, request_id=request_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        raw = services.partnership_request_resend(request=partnership_request, actor=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        errors.show(request, exc)
        return redirect("resellers:list")
    messages.success(request, _("A new link was issued. The previous link no longer works."))
    draft_link_keep(request, "partnership", partnership_request.id, raw)
    return redirect("resellers:draft", request_id=partnership_request.id)


@tenant_view(Perm.PARTNERSHIPS_MANAGE)
def partnership_request_revoke(request: HttpRequest, request_id: int) -> HttpResponse:
    provider = _provider(request)
    partnership_request = selectors.partnership_request_for_provider(provider=provider, request_id=request_id)
    if request.method == "POST":
        try:
            services.partnership_request_revoke(request=partnership_request, actor=request.user)  # type: ignore[arg-type]
        except DomainError as exc:
            errors.show(request, exc)
        else:
            messages.success(request, _("The request was revoked. Its link no longer works."))
        return redirect("resellers:list")
    return render(request, "resellers/request_revoke.html", {"partnership_request": partnership_request})


@tenant_view(Perm.PARTNERSHIPS_MANAGE)
def partnership_ask_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    """Accept or decline what a reseller asked for from the directory ("Request to partner")."""
    provider = _provider(request)
    partnership_request = selectors.partnership_request_for_provider(provider=provider, request_id=request_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    accept = request.POST.get("answer") == "accept"
    try:
        services.partnership_ask_answer(request_id=partnership_request.id, provider=provider,
                                        actor=request.user, accept=accept)  # type: ignore[arg-type]
    except DomainError as exc:
        errors.show(request, exc)
    else:
        name = partnership_request.reseller.name if partnership_request.reseller else ""
        messages.success(request, _("You are now partnered with %(name)s.") % {"name": name} if accept
                         else _("You declined the partnership request of %(name)s.") % {"name": name})
    return redirect("resellers:list")


def _remove(request: HttpRequest, partnership: IndirectPartnership, other: Tenant, back: str) -> HttpResponse:
    form = RemovePartnershipForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_remove(partnership=partnership, actor=request.user,  # type: ignore[arg-type]
                                        acting_tenant=request.tenant)  # type: ignore[attr-defined]
        except DomainError as exc:
            errors.show(request, exc)
        else:
            messages.success(request, _("The partnership with %(name)s was removed.") % {"name": other.name})
        return redirect(back)
    return render(request, "resellers/remove.html", {"form": form, "other": other, "back": back},
                  status=400 if request.method == "POST" else 200)


@tenant_view(Perm.PARTNERSHIPS_MANAGE)
def reseller_remove(request: HttpRequest, reseller_id: str) -> HttpResponse:
    partnership = selectors.partnership_of(tenant=_provider(request), other_id=reseller_id, as_provider=True)
    return _remove(request, partnership, partnership.reseller, "resellers:list")


# --- Reseller: Indirect providers ---------------------------------------------------------------


@tenant_view(Perm.PARTNERSHIPS_VIEW)
def provider_list(request: HttpRequest) -> HttpResponse:
    reseller = _reseller(request)
    partnerships = list(selectors.provider_partnerships(reseller=reseller))
    pending = selectors.partnership_requests_pending_for(reseller=reseller)
    return render(request, "resellers/provider_list.html", {
        "partnerships": partnerships, "pending": pending,
        "asked": selectors.partnership_asks_pending_of(reseller=reseller),
        "may_manage": request.tenancy.has(Perm.PARTNERSHIPS_MANAGE),  # type: ignore[attr-defined]
    })


def _answer(request: HttpRequest, partnership_request: PartnershipRequest, *, accept: bool, back: str) -> HttpResponse:
    reseller = request.tenant  # type: ignore[attr-defined]
    try:
        if accept:
            services.partnership_accept(request_id=partnership_request.id, reseller=reseller, actor=request.user)  # type: ignore[arg-type]
            messages.success(request, _("You are now partnered with %(provider)s.") % {
                "provider": partnership_request.provider.name})
            return redirect("resellers:providers")
        services.partnership_decline(request_id=partnership_request.id, reseller=reseller, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("You declined the partnership request of %(provider)s.") % {
            "provider": partnership_request.provider.name})
    except NotFound:
        raise  # revoked meanwhile: the 404 page (DomainErrorMiddleware)
    except DomainError as exc:
        errors.show(request, exc)
    return redirect(back)


@tenant_view(Perm.PARTNERSHIPS_MANAGE)
def provider_request_answer(request: HttpRequest, request_id: int, answer: str) -> HttpResponse:
    reseller = _reseller(request)
    partnership_request = selectors.partnership_request_for_reseller(reseller=reseller, request_id=request_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return _answer(request, partnership_request, accept=answer == "accept", back="resellers:providers")


@tenant_view(Perm.PARTNERSHIPS_MANAGE)
def provider_remove(request: HttpRequest, provider_id: str) -> HttpResponse:
    partnership = selectors.partnership_of(tenant=_reseller(request), other_id=provider_id, as_provider=False)
    return _remove(request, partnership, partnership.provider, "resellers:providers")


@tenant_view(Perm.RELATIONSHIP_REQUEST)
def invite_customers(request: HttpRequest) -> HttpResponse:
    """F3: one link that makes the customer a customer of this reseller and of the chosen provider."""
    reseller = _reseller(request)
    providers = [p.provider for p in selectors.provider_partnerships(reseller=reseller)]
    may_dap = request.tenancy.has(Perm.RELATIONSHIP_REQUEST_DAP) and dap_allowed(reseller)  # type: ignore[attr-defined]
    form = CombinedInvitationForm(request.POST if request.method == "POST" else None, providers=providers,
                                  allow_dap=may_dap)
    reissue = None
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        provider = next(p for p in providers if str(p.id) == form.cleaned_data["provider"])
        include_dap = bool(form.cleaned_data.get("include_dap"))
        try:
            rel_request, raw = reissue_confirmed(partial(
                invitation_create,
                partner=reseller, actor=request.user, provider=provider,  # type: ignore[arg-type]
                include_dap=include_dap,
                customer_email=form.cleaned_data.get("customer_email") or "",
            ), request.POST.get("reissue"))
        except PendingRequestExists as exc:
            reissue, status = {**reissue_context(exc, include_dap), "new_provider": provider}, 200
        except DomainError as exc:
            status = errors.show(request, exc, form)
        else:
            # The same draft page as F2's, after a redirect (refreshing it creates nothing).
            draft_link_keep(request, "relationship", rel_request.id, raw)
            return redirect("invitations:draft", request_id=rel_request.id)
    return render(request, "resellers/invite.html", {"form": form, "providers": providers, "reissue": reissue},
                  status=status)


# --- The link page -------------------------------------------------------------------------------


def partnership_link(request: HttpRequest, token: str) -> HttpResponse:
    if link_probe_blocked(request):
        return ratelimit.too_many_requests(request)
    partnership_request = selectors.partnership_request_by_token(token)
    if partnership_request is None:
        return not_found(request)
    tenant = getattr(request, "tenant", None)
    problem = ""
    closed = partnership_request.effective_status != PartnershipRequestStatus.PENDING
    if request.user.is_authenticated:
        problem = services.partnership_refusal(request=partnership_request, reseller=tenant, actor=request.user)  # type: ignore[arg-type]
        taken_by_other = bool(partnership_request.accepted_reseller_id) and (
            tenant is None or partnership_request.accepted_reseller_id != tenant.id)
        if closed and (problem or taken_by_other):
            # Used or expired links explain themselves to the reseller they belong to only.
            return not_found(request)
    elif closed:
        return not_found(request)
    if request.method == "POST":
        if not request.user.is_authenticated or problem:
            return not_found(request)
        return _answer(request, partnership_request, accept=request.POST.get("answer") == "accept",
                       back="resellers:providers")
    return render(request, "resellers/link.html", {
        "partnership_request": partnership_request, "provider": partnership_request.provider,
        "profile": company_profile_shown(tenant=partnership_request.provider),
        "problem": problem, "token": token,
    })
