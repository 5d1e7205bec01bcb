"""Partner pages of GDAP (issue 10, section 2): a customer's "Admin relationships", "Request admin
relationship" with its email draft (F2's tools), and one relationship's page with its edits (ETag),
"Remove Global Administrator" and "Terminate". Access assignments: gdap/views/partner_assignments.py.

Views map requests to gdap.services calls; typed errors are shown with partnercenter.errors.show()
beside the field they name. Another tenant's relationship id is a 404 (selectors raise NotFound)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from customers.selectors import customer_for_partner, dap_services
from gdap import selectors, services
from gdap.forms.durations import CUSTOM, DEFAULT_DAYS, PRESET_DAYS
from gdap.forms.partner import ApprovalDraftForm, AutoExtendForm, EtagForm, RelationshipRequestForm
from gdap.models import GLOBAL_ADMINISTRATOR_ID, LIVE, AdminRelationship, GdapApproval, RelationshipStatus
from gdap.picker import role_picker
from gdap.services.approval_send import TEMPLATE as MAIL_TEMPLATE
from gdap.services.approval_send import approval_link_send, approval_recipients
from gdap.services.names import display_name_suggest
from invitations.draftlinks import draft_link_drop, draft_link_get, draft_link_keep
from links.kinds import link_path
from links.models import LinkStatus
from partnercenter import errors
from partnercenter.clientip import client_ip
from partnercenter.errors import DomainError, Stale
from partnercenter.models import CompanyProfile, Tenant
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm

DRAFT_KIND = "gdap_approval"  # invitations.draftlinks key: the raw link waits in the creator's session
TERMINABLE = (*LIVE, RelationshipStatus.APPROVAL_PENDING)


def _customer(request: HttpRequest, customer_id: Any) -> Tenant:
    """One of the partner's customers (an active reseller relationship); 404 for anyone else's."""
    return customer_for_partner(partner=request.tenant, customer_id=customer_id).customer  # type: ignore[attr-defined]


def _relationship(request: HttpRequest, relationship_id: Any) -> AdminRelationship:
    return selectors.relationship_get(tenant=request.tenant, relationship_id=relationship_id)  # type: ignore[attr-defined]


def _may_manage(request: HttpRequest) -> bool:
    return request.tenancy.has(Perm.GDAP_MANAGE)  # type: ignore[attr-defined]


def roles_sorted(roles: Any) -> list:
    """Global Administrator first (the most powerful), then by name."""
    return sorted(roles, key=lambda role: (role.pk != GLOBAL_ADMINISTRATOR_ID, role.name))


# --- A customer's admin relationships --------------------------------------------------------------


@tenant_view(Perm.GDAP_VIEW)
def customer_relationships(request: HttpRequest, customer_id: str) -> HttpResponse:
    partner = request.tenant  # type: ignore[attr-defined]
    customer = _customer(request, customer_id)
    relationships = list(selectors.relationships_for_customer(partner=partner, customer=customer))
    for rel in relationships:
        rel.roles_sorted = roles_sorted(rel.roles.all())
    return render(request, "gdap/partner_customer.html", {
        "customer": customer, "dap": dap_services(partner=partner, customer=customer),
        "relationships": relationships, "may_manage": _may_manage(request),
    })


# --- Request admin relationship ---------------------------------------------------------------------


def _initial(partner: Tenant, customer: Tenant, source: AdminRelationship | None, template: Any) -> dict:
    initial: dict[str, Any] = {"display_name": display_name_suggest(partner, customer), "preset": str(DEFAULT_DAYS)}
    model = template or source
    if model is not None:
        days = model.duration.days
        initial.update(preset=str(days) if days in PRESET_DAYS else CUSTOM,
                       duration="" if days in PRESET_DAYS else str(days),
                       auto_extend=bool(model.auto_extend_duration),
                       roles=[str(role.pk) for role in model.roles.all()])
    if template is not None:
        initial["template"] = str(template.pk)
    return initial


@tenant_view(Perm.GDAP_MANAGE)
def relationship_request(request: HttpRequest, customer_id: str | None = None) -> HttpResponse:
    """GET ?template=<role template id> pre-fills from a template, ?from=<relationship id> from an earlier
    relationship ("Request a new relationship from this one"); without a customer in the path the
    customer is the one of `from`. POST creates the relationship, locks it and opens its draft."""
    partner = request.tenant  # type: ignore[attr-defined]
    data = request.POST if request.method == "POST" else request.GET
    source = _relationship(request, data["from"][:64]) if data.get("from") else None
    if customer_id is None:
        if source is None or source.customer_id is None:
            raise Http404
        return redirect(f"{reverse('gdap:request', args=[source.customer_id])}?{request.GET.urlencode()}")
    customer = _customer(request, customer_id)
    if source is not None and source.customer_id != customer.pk:
        raise Http404
    template_id = (data.get("template") or "")[:64]
    template = selectors.role_template_get(tenant=partner, template_id=template_id) if template_id else None
    status = 200
    if request.method == "POST":
        form = RelationshipRequestForm(request.POST)
        status = 400
        problems = form.rule_errors(partner) if form.is_valid() else None
        if problems:
            status = max(errors.show(request, exc, form) for exc in problems)
        elif problems is not None:
            try:
                rel, raw = services.request_relationship(
                    partner=partner, actor=request.user, customer=customer,  # type: ignore[arg-type]
                    display_name=form.cleaned_data["display_name"], roles=form.cleaned_data["roles"],
                    duration=form.duration_value(), auto_extend=form.cleaned_data["auto_extend"], template=template,
                    ip=client_ip(request),
                )
            except DomainError as exc:
                status = errors.show(request, exc, form)
            else:
                # POST, redirect, GET: refreshing the draft shows it again and creates nothing.
                draft_link_keep(request, DRAFT_KIND, str(rel.pk), raw)  # type: ignore[arg-type]
                return redirect("gdap:draft", relationship_id=rel.pk)
    else:
        form = RelationshipRequestForm(initial=_initial(partner, customer, source, template))
    return render(request, "gdap/partner_request.html", {
        "form": form, "customer": customer, "picker": role_picker(form["roles"]), "source": source,
        "template": template, "templates": list(selectors.role_templates_of(partner=partner)),
    }, status=status)


# --- The draft and "Send" ---------------------------------------------------------------------------


def _pending_approval(rel: AdminRelationship) -> GdapApproval | None:
    return GdapApproval.objects.filter(relationship=rel, status=LinkStatus.PENDING).first()


def _draft_context(request: HttpRequest, rel: AdminRelationship, approval: GdapApproval, raw: str,
                   form: ApprovalDraftForm | None = None) -> dict:
    link = request.build_absolute_uri(link_path(DRAFT_KIND, raw))
    recipients = approval_recipients(rel)
    if form is None:
        # The same words the Global admins get by mail, in the partner's language, to edit.
        context = {"partner": rel.partner, "profile": CompanyProfile.objects.filter(tenant=rel.partner).first(),
                   "customer": rel.customer, "relationship": rel, "roles": roles_sorted(rel.roles.all()),
                   "duration_days": rel.duration.days, "auto_extends": rel.auto_extends, "link": link,
                   "expires_at": approval.expires_at}
        subject = " ".join(render_to_string(f"emails/{MAIL_TEMPLATE}_subject.txt", context).split())
        body = render_to_string(f"emails/{MAIL_TEMPLATE}_body.txt", context)
        form = ApprovalDraftForm(initial={"subject": subject, "body": body, "token": raw})
    return {"rel": rel, "approval": approval, "link": link, "form": form, "recipients": recipients,
            "roles": roles_sorted(rel.roles.all()),
            "recipient": ",".join(user.email for user in recipients)}


@tenant_view(Perm.GDAP_MANAGE)
def relationship_draft(request: HttpRequest, relationship_id: str) -> HttpResponse:
    """The draft of a request made in this session (the raw link is kept only there)."""
    rel = _relationship(request, relationship_id)
    approval = _pending_approval(rel)
    raw = draft_link_get(request, DRAFT_KIND, str(rel.pk), approval.token_digest) if approval else None  # type: ignore[arg-type]
    if raw is None or approval.effective_status != LinkStatus.PENDING:  # type: ignore[union-attr]
        messages.info(request, _("This draft is no longer open: its link is shown only once, right after the "
                                 "request."))
        return redirect("gdap:relationship", relationship_id=rel.pk)
    return render(request, "gdap/partner_draft.html", _draft_context(request, rel, approval, raw))  # type: ignore[arg-type]


@tenant_view(Perm.GDAP_MANAGE)
def relationship_send(request: HttpRequest, relationship_id: str) -> HttpResponse:
    rel = _relationship(request, relationship_id)  # before the method check: a foreign id is a 404 for all
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ApprovalDraftForm(request.POST)
    raw = request.POST.get("token", "")[:100]
    approval = _pending_approval(rel)
    if approval is None or draft_link_get(request, DRAFT_KIND, str(rel.pk), approval.token_digest) != raw:  # type: ignore[arg-type]
        messages.error(request, _("This draft is no longer open: its link is shown only once, right after the "
                                  "request."))
        return redirect("gdap:relationship", relationship_id=rel.pk)
    status = 400
    if form.is_valid():
        try:
            sent = approval_link_send(
                rel, actor=request.user, raw_token=raw, link=request.build_absolute_uri(link_path(DRAFT_KIND, raw)),  # type: ignore[arg-type]
                subject=form.cleaned_data["subject"], body=form.cleaned_data["body"],
                extra_email=form.cleaned_data["email"], draft_language=get_language(), ip=client_ip(request),
            )
        except DomainError as exc:
            status = errors.show(request, exc, form)
        else:
            draft_link_drop(request, DRAFT_KIND, str(rel.pk))  # type: ignore[arg-type]
            messages.success(request, _("The approval request was sent to %(emails)s.") % {"emails": ", ".join(sent)})
            return redirect("gdap:relationship", relationship_id=rel.pk)
    return render(request, "gdap/partner_draft.html", _draft_context(request, rel, approval, raw, form), status=status)


# --- One relationship ---------------------------------------------------------------------------------


def detail_context(request: HttpRequest, rel: AdminRelationship, **forms: Any) -> dict:
    approval = _pending_approval(rel) if rel.status == RelationshipStatus.APPROVAL_PENDING else None
    draft_open = bool(approval and draft_link_get(request, DRAFT_KIND, str(rel.pk), approval.token_digest))  # type: ignore[arg-type]
    roles = roles_sorted(rel.roles.all())
    live = rel.status in LIVE
    context = {
        "rel": rel, "customer": rel.customer, "roles": roles, "assignments": rel.current_assignments,
        "requests": rel.requests.select_related("actor").order_by("-created_at"), "approval": approval,
        "draft_open": draft_open, "may_manage": _may_manage(request), "live": live,
        "has_ga": any(role.pk == GLOBAL_ADMINISTRATOR_ID for role in roles),
        "can_terminate": rel.status in TERMINABLE, "can_assign": rel.is_live,
        "edit_form": AutoExtendForm(initial={"auto_extend": rel.auto_extends, "etag": rel.etag}),
        "etag_form": EtagForm(initial={"etag": rel.etag}),
    }
    context.update(forms)
    return context


@tenant_view(Perm.GDAP_VIEW)
def relationship_detail(request: HttpRequest, relationship_id: str) -> HttpResponse:
    rel = _relationship(request, relationship_id)
    return render(request, "gdap/partner_relationship.html", detail_context(request, rel))


def _stale(request: HttpRequest, relationship_id: Any) -> HttpResponse:
    """Someone else wrote the relationship since the page was read: show what it is now."""
    messages.error(request, _("Someone else changed this relationship. The current values are shown."))
    rel = _relationship(request, relationship_id)
    return render(request, "gdap/partner_relationship.html", detail_context(request, rel), status=409)


@tenant_view(Perm.GDAP_MANAGE)
def relationship_edit(request: HttpRequest, relationship_id: str) -> HttpResponse:
    """"Edit" of auto-extend (active or expiring relationships), guarded by the ETag the form was drawn with."""
    rel = _relationship(request, relationship_id)
    if request.method != "POST":
        return redirect("gdap:relationship", relationship_id=rel.pk)
    form = AutoExtendForm(request.POST)
    if not form.is_valid():
        return _stale(request, rel.pk)
    try:
        services.relationship_update(rel, actor=request.user, if_match=form.cleaned_data["etag"],  # type: ignore[arg-type]
                                     auto_extend=form.cleaned_data["auto_extend"], ip=client_ip(request))
    except Stale:
        return _stale(request, rel.pk)
    except DomainError as exc:
        status = errors.show(request, exc, form)
        return render(request, "gdap/partner_relationship.html",
                      detail_context(request, _relationship(request, rel.pk), edit_form=form), status=status)
    messages.success(request, _("Auto-extend is on: the relationship is extended by 180 days at its end.")
                     if form.cleaned_data["auto_extend"] else _("Auto-extend is off."))
    return redirect("gdap:relationship", relationship_id=rel.pk)


def confirm(request: HttpRequest, **context: Any) -> HttpResponse:
    """The one confirmation page: title, text, the button and where Cancel goes."""
    return render(request, "gdap/partner_confirm.html", context)


@tenant_view(Perm.GDAP_MANAGE)
def remove_global_admin(request: HttpRequest, relationship_id: str) -> HttpResponse:
    rel = _relationship(request, relationship_id)
    if request.method != "POST":
        return confirm(request, rel=rel, title=_("Remove Global Administrator?"), button=_("Remove Global Administrator"),
                       text=_("Global Administrator is taken out of the roles of %(name)s and of every security group "
                              "that holds it. The other roles stay. Afterwards auto-extend can be turned on.")
                       % {"name": rel.display_name}, etag_form=EtagForm(initial={"etag": rel.etag}))
    form = EtagForm(request.POST)
    try:
        services.remove_global_admin(rel, actor=request.user, if_match=form.data.get("etag", "")[:200],  # type: ignore[arg-type]
                                     ip=client_ip(request))
    except Stale:
        return _stale(request, rel.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Global Administrator was removed from %(name)s.") % {"name": rel.display_name})
    return redirect("gdap:relationship", relationship_id=rel.pk)


@tenant_view(Perm.GDAP_MANAGE)
def relationship_terminate(request: HttpRequest, relationship_id: str) -> HttpResponse:
    rel = _relationship(request, relationship_id)
    if request.method != "POST":
        if rel.status not in TERMINABLE:
            messages.info(request, _("This admin relationship is already terminated or expired."))
            return redirect("gdap:relationship", relationship_id=rel.pk)
        return confirm(request, rel=rel, title=_("Terminate this admin relationship?"), button=_("Terminate"),
                       danger=True, text=_("%(name)s ends: the security groups lose their access to %(customer)s at "
                                           "once and the customer is told by email. This cannot be undone; a new "
                                           "relationship needs the customer's approval again.")
                       % {"name": rel.display_name, "customer": rel.customer.name if rel.customer_id else "—"})
    try:
        services.terminate(rel, actor=request.user, side="partner", ip=client_ip(request))  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s is being terminated. Its access ended at once.")
                         % {"name": rel.display_name})
    return redirect("gdap:relationship", relationship_id=rel.pk)
