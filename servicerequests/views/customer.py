"""The Admin center's pages (customer side): the requests partners opened for this organisation, a
request's page with its thread, comment (with attachments), downloads. Only the organisation's own
requests: another organisation's is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from partnercenter.clientip import client_ip
from partnercenter.errors import DomainError, NotFound, show
from partnercenter.models import TenantKind
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm
from servicerequests import selectors, services
from servicerequests.forms import CommentForm
from servicerequests.models import ServiceRequest, Status
from servicerequests.views.common import attachment_response, uploads

GUARD = tenant_view(Perm.SERVICE_REQUESTS_CUSTOMER, kind=TenantKind.CUSTOMER)


def _request(request: HttpRequest, request_id: object) -> ServiceRequest:
    try:
        return selectors.request_for_customer(customer=request.tenant, request_id=request_id)  # type: ignore[attr-defined]
    except NotFound as exc:
        raise Http404 from exc


@GUARD
def admin_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.requests_of_customer(customer=request.tenant), selectors.PAGE_SIZE).get_page(  # type: ignore[attr-defined]
        request.GET.get("page"))
    return render(request, "servicerequests/admin_center_list.html", {"page": page})


def _detail(request: HttpRequest, sr: ServiceRequest, form: CommentForm | None = None, status: int = 200,
            ) -> HttpResponse:
    return render(request, "servicerequests/admin_center_detail.html", {
        "sr": sr, "comments": selectors.thread(request=sr), "files": selectors.request_attachments(request=sr),
        "comment_form": form or CommentForm(), "closed": sr.status == Status.CLOSED,
        "download": "servicerequests:admin_center_download",
    }, status=status)


@GUARD
@require_http_methods(["GET", "HEAD", "POST"])
def admin_detail(request: HttpRequest, request_id: object) -> HttpResponse:
    sr = _request(request, request_id)
    if request.method != "POST":
        return _detail(request, sr)
    form = CommentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, sr, form, 400)
    try:
        services.comment_add_customer(customer=request.tenant, actor=request.user, request=sr,  # type: ignore[attr-defined,arg-type]
                                      body=form.cleaned_data["body"], uploads=uploads(request), ip=client_ip(request))
    except DomainError as exc:
        return _detail(request, sr, form, show(request, exc, form))
    messages.success(request, _("Your comment was added."))
    return redirect(reverse("servicerequests:admin_center_detail", kwargs={"request_id": sr.pk}) + "#comments")


@GUARD
def admin_download(request: HttpRequest, request_id: object, attachment_id: object) -> HttpResponse:
    sr = _request(request, request_id)
    try:
        attachment = selectors.attachment_of(request=sr, attachment_id=attachment_id)
    except NotFound as exc:
        raise Http404 from exc
    return attachment_response(attachment)
