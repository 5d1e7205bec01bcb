"""Admin center (customer): "Granular admin relationship request" — opened from the approval link (a
token, like F4's "Partner relationship request") or from Partner relationships (the customer's own
pending request, by id) — with "Approve" (queued, then "Processing…") and "Reject" (confirmed), and
"Terminate" of an active relationship. Views map requests to gdap.services calls; the page's states
are judged in one place (_page_context) for GET and POST alike."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gdap import selectors, services
from gdap.models import LIVE, GdapApproval, RelationshipStatus, RequestStatus
from gdap.refusals import refusal_text
from links.models import LinkStatus
from links.pages import link_probe_blocked, not_found
from partnercenter import ratelimit
from partnercenter.clientip import client_ip
from partnercenter.errors import DomainError, NotFound, show
from partnercenter.models import CompanyProfile, TenantKind
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm
from partnercenter.selectors import user_is_customer_global_admin

_ENDED_BY_PARTNER = (RelationshipStatus.TERMINATION_REQUESTED, RelationshipStatus.TERMINATING,
                     RelationshipStatus.TERMINATED)


@dataclass
class Target:
    """The approval link a page is about, and how this visitor reached it: by its token (from the
    mail) or by the relationship's id (from Partner relationships, signed in as its customer)."""

    approval: GdapApproval
    token: str = ""

    @property
    def rel(self):  # noqa: ANN201
        return self.approval.relationship

    def url(self, suffix: str = "") -> str:
        if self.token:
            return reverse(f"gdap:approval{suffix}", args=[self.token])
        return reverse(f"gdap:customer_approval{suffix}", args=[self.rel.pk])

    def submit_kwargs(self) -> dict:
        return {"raw_token": self.token} if self.token else {"approval_id": self.approval.pk}


def _customer(request: HttpRequest):  # noqa: ANN202
    tenant = getattr(request, "tenant", None)
    return tenant if tenant is not None and tenant.kind == TenantKind.CUSTOMER else None


def closed_reason(approval: GdapApproval) -> str:
    """Why the link can no longer be answered ("" while it can): withdrawn, rejected, approved, expired
    or answered (another outcome, e.g. the customer terminated it from Partner relationships)."""
    rel = approval.relationship
    if approval.status == LinkStatus.DECLINED:
        return "rejected"
    if approval.status == LinkStatus.ACCEPTED:
        return "approved"
    if approval.status == LinkStatus.REVOKED or (rel.status in _ENDED_BY_PARTNER and rel.terminated_side == "partner"):
        return "withdrawn"
    if rel.status == RelationshipStatus.EXPIRED or approval.status == LinkStatus.EXPIRED or approval.is_expired():
        return "expired"
    if rel.status != RelationshipStatus.APPROVAL_PENDING:
        return "answered"
    return ""


def _rightful(request: HttpRequest, target: Target) -> bool:
    """Who learns why a closed link is closed: a signed-in member of the relationship's customer (of
    any customer while the relationship names none). Everybody else gets the not-found page (F4)."""
    customer = _customer(request)
    if customer is None:
        return False
    return target.rel.customer_id in (None, customer.pk)


def _visible(request: HttpRequest, target: Target) -> bool:
    return not closed_reason(target.approval) or bool(not target.token or _rightful(request, target))


def _page_context(request: HttpRequest, target: Target) -> dict:
    approval, rel = target.approval, target.rel
    customer = _customer(request)
    roles = selectors.roles_shown(rel)
    context = {
        "target": target, "approval": approval, "rel": rel, "partner": approval.partner,
        "profile": CompanyProfile.objects.filter(tenant=approval.partner).first(),
        "roles": roles, "has_global_admin": any(role.is_global_administrator for role in roles),
        "duration_days": rel.duration.days, "end_if_now": timezone.now() + rel.duration,
        "auto_extend_days": rel.auto_extend_duration.days, "customer": customer,
        "closed": closed_reason(approval), "actor_problem": "", "can_act": False, "sign_in": False,
        "processing": None,
    }
    if not request.user.is_authenticated:
        context["sign_in"] = True
        return context
    if customer is None:
        context["actor_problem"] = _("This page is for the customer: you are signed in with a partner account. Sign in "
                                     "as a Global admin of the customer organisation to approve or reject the request.")
        return context
    if rel.customer_id and rel.customer_id != customer.pk:
        context["actor_problem"] = _("This request is addressed to another organisation. Switch to it and open the "
                                     "link again.")
        return context
    answer = rel.requests.filter(action="approve", customer=customer,
                                 status__in=(RequestStatus.PENDING, RequestStatus.SUCCEEDED)).first()
    context["processing"] = answer
    if context["closed"] or answer is not None:
        return context
    if not user_is_customer_global_admin(user=request.user, tenant=customer):  # type: ignore[arg-type]
        context["actor_problem"] = _("Only a Global admin of your organisation can approve or reject an admin "
                                     "relationship. You are signed in as a User: ask one of your Global admins to "
                                     "open this page.")
        return context
    context["can_act"] = True
    return context


def _render_page(request: HttpRequest, target: Target) -> HttpResponse:
    context = _page_context(request, target)
    return render(request, "gdap/customer_approval.html", context, status=410 if context["closed"] else 200)


def _by_token(request: HttpRequest, token: str) -> Target | HttpResponse:
    """The token's target, or the response for a blocked address / a link this visitor may not see."""
    if link_probe_blocked(request):
        return ratelimit.too_many_requests(request)
    approval = selectors.approval_link_any(token)
    if approval is None:
        return not_found(request)
    target = Target(approval, token)
    return target if _visible(request, target) else not_found(request)


def _found(select, **kwargs):  # noqa: ANN001, ANN003, ANN202
    """A selector's row in the customer's scope; anything outside it is a 404."""
    try:
        return select(**kwargs)
    except NotFound as exc:
        raise Http404 from exc


def _by_relationship(request: HttpRequest, relationship_id: str) -> Target:
    return Target(_found(selectors.approval_for_customer, customer=request.tenant,  # type: ignore[attr-defined]
                         relationship_id=relationship_id))


def _approve(request: HttpRequest, target: Target) -> HttpResponse:
    customer = _customer(request)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={target.url()}")
    if customer is None:
        messages.error(request, _("Sign in as a Global admin of the customer organisation to answer this request."))
        return redirect(target.url())
    try:
        answer = services.approval_submit(user=request.user, customer=customer, ip=client_ip(request),  # type: ignore[arg-type]
                                          **target.submit_kwargs())
    except NotFound:
        return not_found(request) if target.token else redirect("admin_center_home")
    except DomainError as exc:
        show(request, exc)
        return redirect(target.url())
    return redirect("gdap:customer_request", request_id=answer.pk)


def _reject(request: HttpRequest, target: Target) -> HttpResponse:
    """GET: the confirmation (what ends); POST: reject at once, back to Partner relationships."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={target.url()}")
    context = _page_context(request, target)
    if request.method != "POST":
        if not context["can_act"]:
            return redirect(target.url())
        return render(request, "gdap/customer_reject.html", context)
    customer = _customer(request)
    if customer is None:
        messages.error(request, _("Sign in as a Global admin of the customer organisation to answer this request."))
        return redirect(target.url())
    try:
        services.reject(user=request.user, customer=customer, ip=client_ip(request), **target.submit_kwargs())  # type: ignore[arg-type]
    except NotFound:
        return not_found(request) if target.token else redirect("admin_center_home")
    except DomainError as exc:
        show(request, exc)
        return redirect(target.url())
    messages.success(request, _("You rejected the admin relationship “%(name)s” of %(partner)s. It has no access to "
                                "your organisation.") % {"name": target.rel.display_name,
                                                         "partner": target.approval.partner.name})
    return redirect("admin_center_home")


# --- The approval link (public: the token is the key; signing in is asked for on the page) -------


def approval_page(request: HttpRequest, token: str) -> HttpResponse:
    target = _by_token(request, token)
    return target if isinstance(target, HttpResponse) else _render_page(request, target)


def approval_approve(request: HttpRequest, token: str) -> HttpResponse:
    target = _by_token(request, token)  # judged first: an unknown link is not found for every method
    if isinstance(target, HttpResponse):
        return target
    return _approve(request, target) if request.method == "POST" else redirect(target.url())


def approval_reject(request: HttpRequest, token: str) -> HttpResponse:
    target = _by_token(request, token)
    return target if isinstance(target, HttpResponse) else _reject(request, target)


# --- The same page from Partner relationships (the customer's own pending request) ---------------


@tenant_view(get=Perm.ADMIN_CENTER_VIEW, post=Perm.GDAP_APPROVE, kind=TenantKind.CUSTOMER)
def customer_approval(request: HttpRequest, relationship_id: str) -> HttpResponse:
    return _render_page(request, _by_relationship(request, relationship_id))


@tenant_view(get=Perm.ADMIN_CENTER_VIEW, post=Perm.GDAP_APPROVE, kind=TenantKind.CUSTOMER)
def customer_approval_approve(request: HttpRequest, relationship_id: str) -> HttpResponse:
    target = _by_relationship(request, relationship_id)
    if request.method != "POST":
        return redirect(target.url())
    return _approve(request, target)


@tenant_view(get=Perm.ADMIN_CENTER_VIEW, post=Perm.GDAP_APPROVE, kind=TenantKind.CUSTOMER)
def customer_approval_reject(request: HttpRequest, relationship_id: str) -> HttpResponse:
    return _reject(request, _by_relationship(request, relationship_id))


# --- "Processing…" and the result ---------------------------------------------------------------


@tenant_view(Perm.ADMIN_CENTER_VIEW, kind=TenantKind.CUSTOMER)
def customer_request(request: HttpRequest, request_id: str) -> HttpResponse:
    answer = _found(selectors.approval_request_for_customer, customer=request.tenant,  # type: ignore[attr-defined]
                    request_id=request_id)
    rel = answer.relationship
    context = {
        "answer": answer, "rel": rel, "partner": rel.partner,
        "processing": answer.status in (RequestStatus.PENDING, RequestStatus.CREATED),
        "refusal": refusal_text(answer.failure_code, partner=rel.partner.name, terminated_side=rel.terminated_side)
        if answer.status == RequestStatus.FAILED else "",
    }
    template = "gdap/customer_request_result.html" if request.htmx else "gdap/customer_request.html"  # type: ignore[attr-defined]
    return render(request, template, context)


# --- Terminate (Partner relationships) ----------------------------------------------------------


@tenant_view(Perm.GDAP_APPROVE, kind=TenantKind.CUSTOMER)
def customer_terminate(request: HttpRequest, relationship_id: str) -> HttpResponse:
    rel = _found(selectors.relationship_get, tenant=request.tenant, relationship_id=relationship_id)  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            services.terminate(rel, actor=request.user, side="customer", ip=client_ip(request))  # type: ignore[arg-type]
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            show(request, exc)
            return redirect("admin_center_home")
        messages.success(request, _("The admin relationship “%(name)s” of %(partner)s is terminated: it no longer "
                                    "gives %(partner)s access to your organisation.") % {
            "name": rel.display_name, "partner": rel.partner.name})
        return redirect("admin_center_home")
    if rel.status not in LIVE:
        messages.info(request, _("The admin relationship “%(name)s” is not active: there is nothing to terminate.")
                      % {"name": rel.display_name})
        return redirect("admin_center_home")
    roles = selectors.roles_shown(rel)
    return render(request, "gdap/customer_terminate.html", {
        "rel": rel, "partner": rel.partner, "roles": roles,
        "groups": len(rel.current_assignments),  # type: ignore[attr-defined]
    })
