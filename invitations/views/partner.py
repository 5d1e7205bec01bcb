"""Partner side of relationship requests (F2, F3): request one, its draft and sending, the Relationship
requests list, resend and revoke."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from customers.rules import dap_allowed
from invitations import selectors, services
from invitations.draftlinks import draft_link_drop, draft_link_get, draft_link_keep
from invitations.errors import PendingRequestExists
from invitations.forms import DraftForm, RelationshipRequestForm
from invitations.models import RelationshipRequest, RequestStatus
from partnercenter import errors
from partnercenter.domains import to_unicode
from partnercenter.errors import DomainError
from partnercenter.models import PartnerType
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm
from partnercenter.selectors import company_profile_of
from partnercenter.views import client_ip

REQUESTS_PAGE_SIZE = 50
T = TypeVar("T")


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
