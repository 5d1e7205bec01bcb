"""Bulk invitations ("Invite many customers"): upload and check a CSV, the preview with the rejected
rows, "Send" (a background job: its progress, cancel and results CSV are the jobs pages)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from customers.rules import dap_allowed
from invitations import bulkcsv, selectors
from invitations.forms import BulkInvitationForm
from invitations.models import BulkInvitation, BulkStatus
from invitations.services import bulk as services
from partnercenter import errors
from partnercenter.errors import DomainError
from partnercenter.models import PartnerType
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm
from partnercenter.selectors import company_profile_of
from partnercenter.views import client_ip

PREVIEW_ROWS = 500
# Room for the form's other fields and the multipart framing around the file.
ENVELOPE_BYTES = 64 * 1024


def _initial(request: HttpRequest) -> dict:
    partner = request.tenant  # type: ignore[attr-defined]
    profile = company_profile_of(tenant=partner)
    body = render_to_string("invitations/draft_body.txt", {
        "profile": profile, "partner": partner, "link": services.LINK_PLACEHOLDER, "request_obj": {},
        "expiry_days": settings.INVITATION_EXPIRY_DAYS})
    return {"subject": _("%(partner)s invites you to a reseller relationship") % {"partner": profile.legal_name},
            "body": body}


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.BULK_INVITATION_MAX_BYTES + ENVELOPE_BYTES


@csrf_exempt  # the size is checked before anything reads the body; the CSRF check follows (csrf_protect)
@tenant_view(Perm.RELATIONSHIP_REQUEST)
def bulk_upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and _too_large(request):
        return _upload_refused(request)
    return _bulk_upload(request)


def _upload_refused(request: HttpRequest) -> HttpResponse:
    from django.middleware.csrf import get_token

    get_token(request)
    form = BulkInvitationForm(initial=_initial(request), allow_dap=dap_allowed(request.tenant))  # type: ignore[attr-defined]
    form.refused = _("The file is larger than %(mb)s MB. Split it into smaller files.") % {  # type: ignore[attr-defined]
        "mb": round(settings.BULK_INVITATION_MAX_BYTES / (1024 * 1024), 1)}
    return render(request, "invitations/bulk_upload.html", _context(request, form), status=413)


def _context(request: HttpRequest, form: BulkInvitationForm) -> dict:
    return {"form": form, "is_usgov": not dap_allowed(request.tenant),  # type: ignore[attr-defined]
            "may_dap": request.tenancy.has(Perm.RELATIONSHIP_REQUEST_DAP),  # type: ignore[attr-defined]
            "max_mb": round(settings.BULK_INVITATION_MAX_BYTES / (1024 * 1024), 1),
            "max_rows": settings.BULK_INVITATION_MAX_ROWS}


@csrf_protect
def _bulk_upload(request: HttpRequest) -> HttpResponse:
    partner = request.tenant  # type: ignore[attr-defined]
    if partner.partner_type == PartnerType.INDIRECT_RESELLER:
        return redirect("resellers:invite")
    allow_dap = dap_allowed(partner)
    if request.method != "POST":
        return render(request, "invitations/bulk_upload.html",
                      _context(request, BulkInvitationForm(initial=_initial(request), allow_dap=allow_dap)))
    form = BulkInvitationForm(request.POST, request.FILES, allow_dap=allow_dap)
    status = 400
    if form.is_valid():
        try:
            bulk = services.bulk_preview_create(
                partner=partner, actor=request.user, upload=form.cleaned_data["file"],  # type: ignore[arg-type]
                include_dap=bool(form.cleaned_data.get("include_dap")), subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"], language=get_language(), ip=client_ip(request),
            )
        except DomainError as exc:
            status = errors.show(request, exc, form)
        else:
            return redirect("invitations:bulk_preview", bulk_id=bulk.id)
    return render(request, "invitations/bulk_upload.html", _context(request, form), status=status)


def _bulk(request: HttpRequest, bulk_id: object) -> BulkInvitation:
    return selectors.bulk_for_partner(partner=request.tenant, bulk_id=bulk_id)  # type: ignore[attr-defined]


@tenant_view(Perm.RELATIONSHIP_REQUEST)
def bulk_preview(request: HttpRequest, bulk_id: str) -> HttpResponse:
    bulk = _bulk(request, bulk_id)
    if bulk.status == BulkStatus.SENT and bulk.job_id:
        return redirect("jobs:detail", job_id=bulk.job_id)
    rejected = [{"line": line, "email": email, "reason": bulkcsv.reason_text(code)}
                for line, email, code in bulk.rejected[:PREVIEW_ROWS]]
    return render(request, "invitations/bulk_preview.html", {
        "bulk": bulk, "rejected": rejected, "more_rejected": max(0, len(bulk.rejected) - PREVIEW_ROWS),
        "accepted": bulk.rows[:PREVIEW_ROWS], "more_accepted": max(0, len(bulk.rows) - PREVIEW_ROWS),
        "accepted_count": len(bulk.rows), "rejected_count": len(bulk.rejected)})


@tenant_view(Perm.RELATIONSHIP_REQUEST)
def bulk_send(request: HttpRequest, bulk_id: str) -> HttpResponse:
    bulk = _bulk(request, bulk_id)  # another partner's id is a 404 for every method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        job = services.bulk_send(bulk=bulk, actor=request.user, ip=client_ip(request))  # type: ignore[arg-type]
    except DomainError as exc:
        errors.show(request, exc)
        return redirect("invitations:bulk_preview", bulk_id=bulk.id)
    return redirect("jobs:detail", job_id=job.id)
