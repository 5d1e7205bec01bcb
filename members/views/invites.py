"""Invite user, the pending invitations (Resend / Revoke) and the invitee's page (F11)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from invitations.errors import PendingRequestExists
from invitations.views.partner import reissue_confirmed
from links.models import LinkStatus
from links.pages import link_probe_blocked, not_found
from members.forms_invites import InviteForm, InviteSignupForm
from members.rules import roles_grantable
from members.selectors_invites import invitation_by_token, invitation_for_tenant, invitations_open_page
from members.services import invites as services
from partnercenter import errors, ratelimit
from partnercenter.clientip import client_ip
from partnercenter.errors import DomainError
from partnercenter.middleware import ACTIVE_TENANT_SESSION_KEY
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm


@tenant_view(Perm.USERS_INVITE)
def invitation_list(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    page = invitations_open_page(tenant=tenant, number=request.GET.get("page") or 1)
    return render(request, "members/invite_list.html", {"page": page, "invitations": page.object_list})


@tenant_view(Perm.USERS_INVITE)
def invite_new(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    grantable = roles_grantable(request.user, tenant)
    form = InviteForm(request.POST if request.method == "POST" else None, grantable=grantable,
                      language=get_language() or "")
    status, reissue = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                invitation, _raw = reissue_confirmed(
                    lambda reissue: services.invite_create(
                        tenant=tenant, actor=request.user, email=data["email"], name=data["name"],  # type: ignore[arg-type]
                        roles=data["roles"], language=data["language"], reissue=reissue),
                    request.POST.get("reissue"),
                )
            except PendingRequestExists as exc:
                reissue, status = exc.existing, exc.status
            except DomainError as exc:
                status = errors.show(request, exc, form)
            else:
                messages.success(request, _("The invitation was emailed to %(email)s.") % {"email": invitation.email})
                return redirect("members:invitations")
    return render(request, "members/invite_form.html", {"form": form, "reissue": reissue}, status=status)


@tenant_view(Perm.USERS_INVITE)
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = invitation_for_tenant(tenant=request.tenant, invitation_id=invitation_id)  # type: ignore[attr-defined]
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.invite_resend(invitation=invitation, actor=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        errors.show(request, exc)
    else:
        messages.success(request, _("A new link was emailed. The previous link no longer works."))
    return redirect("members:invitations")


@tenant_view(Perm.USERS_INVITE)
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = invitation_for_tenant(tenant=request.tenant, invitation_id=invitation_id)  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            services.invite_revoke(invitation=invitation, actor=request.user)  # type: ignore[arg-type]
        except DomainError as exc:
            errors.show(request, exc)
        else:
            messages.success(request, _("The invitation was revoked. Its link no longer works."))
        return redirect("members:invitations")
    return render(request, "members/invite_revoke.html", {"invitation": invitation})


# --- The invitee ---------------------------------------------------------------------------------


def _joined(request: HttpRequest, invitation) -> HttpResponse:  # noqa: ANN001
    """Make the joined organisation the active one; the MFA middleware sends to two-factor setup."""
    request.session[ACTIVE_TENANT_SESSION_KEY] = str(invitation.tenant_id)
    messages.success(request, _("You joined %(name)s.") % {"name": invitation.tenant.name})
    return redirect("/")


def invitation_page(request: HttpRequest, token: str) -> HttpResponse:
    if link_probe_blocked(request):
        return ratelimit.too_many_requests(request)
    invitation = invitation_by_token(token)
    if invitation is None:
        return not_found(request)
    user = request.user
    closed = services.invite_closed_reason(invitation)
    if closed and user.is_authenticated and invitation.accepted_user_id == user.pk:
        return redirect("/")
    problem = ""
    if not closed and user.is_authenticated:
        refusal = services.invite_refusal_error(invitation=invitation, user=user)  # type: ignore[arg-type]
        problem = refusal.message if refusal is not None else ""
    status = 410 if closed else 200
    if request.method == "POST":
        if closed or problem or not user.is_authenticated:
            return redirect(request.path)
        try:
            services.invite_accept(raw_token=token, user=user, ip=client_ip(request))  # type: ignore[arg-type]
        except DomainError as exc:
            status = errors.show(request, exc)
        else:
            return _joined(request, invitation)
    return render(request, "members/invite_accept.html", {
        "invitation": invitation, "tenant": invitation.tenant, "closed": closed, "problem": problem,
        "account_exists": services.invite_account_exists(invitation), "token": token,
    }, status=status)


def invitation_signup(request: HttpRequest, token: str) -> HttpResponse:
    if link_probe_blocked(request):
        return ratelimit.too_many_requests(request)
    invitation = invitation_by_token(token)
    if invitation is None:
        return not_found(request)
    if (request.user.is_authenticated or invitation.effective_status != LinkStatus.PENDING
            or services.invite_account_exists(invitation)):
        return redirect("members:invitation", token=token)
    form = InviteSignupForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user, invitation = services.invite_signup(raw_token=token, password=form.cleaned_data["password"],
                                                          ip=client_ip(request))
            except DomainError as exc:
                status = errors.show(request, exc, form)
            else:
                login(request, user, backend="partnercenter.backends.ModelBackend")
                return _joined(request, invitation)
    return render(request, "members/invite_signup.html", {"invitation": invitation, "tenant": invitation.tenant,
                                                          "form": form}, status=status)
