"""The partner's pages: the partner-wide list (with Export), a customer's requests, New service request,
a request's page (status, assignee, comments) and downloads. Everything about one customer goes through the
on-behalf guard (support.onbehalf): 404 for another partner's customer, "Admin permissions needed" without
DAP/GDAP for service_requests.manage."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gdap import access
from partnercenter.clientip import client_ip
from partnercenter.csvexport import csv_response
from partnercenter.errors import Code, DomainError, NotFound, show
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm
from servicerequests import rules, selectors, services
from servicerequests.forms import AssigneeForm, CommentForm, ServiceRequestForm, StatusForm
from servicerequests.models import ServiceRequest, Severity, Status
from servicerequests.views.common import attachment_response, uploads
from support.onbehalf import on_behalf_view

GUARD = on_behalf_view(Perm.SERVICE_REQUESTS, access.SERVICE_REQUESTS_MANAGE)


@tenant_view(Perm.SERVICE_REQUESTS)
def request_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.Filters.from_query(request.GET)
    qs = selectors.requests_of_partner(partner=request.tenant, user=request.user, filters=filters)  # type: ignore[attr-defined,arg-type]
    page = Paginator(qs, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    query = filters.as_query()
    return render(request, "servicerequests/partner_list.html", {
        "page": page, "filters": filters, "query": query, "filtered": bool(query),
        "statuses": Status.choices, "severities": Severity.choices,
        "users": selectors.assignable_users(partner=request.tenant),  # type: ignore[attr-defined]
    })


@tenant_view(Perm.SERVICE_REQUESTS)
def request_export(request: HttpRequest) -> HttpResponse:
    filters = selectors.Filters.from_query(request.GET)
    header = [_("Number"), _("Title"), _("Customer"), _("Severity"), _("Category"), _("Status"), _("Assignee"),
              _("Opened by"), _("Opened"), _("Last change")]

    def rows():  # noqa: ANN202
        for sr in selectors.export_rows(partner=request.tenant, user=request.user, filters=filters):  # type: ignore[attr-defined,arg-type]
            yield [sr.reference, sr.title, sr.customer.name, sr.get_severity_display(), sr.get_category_display(),
                   sr.get_status_display(), sr.assignee.email if sr.assignee else "", sr.created_by_email,
                   sr.created_at.isoformat(timespec="seconds"), sr.updated_at.isoformat(timespec="seconds")]

    return csv_response("service-requests.csv", header, rows())


@GUARD
def customer_requests(request: HttpRequest, customer_id: object) -> HttpResponse:
    customer = request.on_behalf.customer  # type: ignore[attr-defined]
    qs = selectors.requests_of_customer_for_partner(partner=request.tenant, customer=customer)  # type: ignore[attr-defined]
    page = Paginator(qs, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "servicerequests/customer_list.html", {"customer": customer, "page": page})


@GUARD
@require_http_methods(["GET", "HEAD", "POST"])
def request_new(request: HttpRequest, customer_id: object) -> HttpResponse:
    customer = request.on_behalf.customer  # type: ignore[attr-defined]
    users = selectors.assignable_users(partner=request.tenant)  # type: ignore[attr-defined]
    if request.method != "POST":
        form = ServiceRequestForm(users=users, initial={"assignee": str(request.user.pk)})
        return _new_page(request, customer, form)
    form = ServiceRequestForm(request.POST, request.FILES, users=users)
    if not form.is_valid():
        return _new_page(request, customer, form, 400)
    data = form.cleaned_data
    try:
        sr = services.service_request_create(
            partner=request.tenant, actor=request.user, customer=customer, title=data["title"],  # type: ignore[attr-defined,arg-type]
            description=data["description"], severity=data["severity"], category=data["category"],
            assignee_id=data["assignee"] or None, uploads=uploads(request), ip=client_ip(request))
    except DomainError as exc:
        return _new_page(request, customer, form, show(request, exc, form))
    messages.success(request, _("Service request %(reference)s was opened.") % {"reference": sr.reference})
    return redirect("servicerequests:detail", customer_id=customer.id, request_id=sr.pk)


def _new_page(request: HttpRequest, customer: object, form: ServiceRequestForm, status: int = 200) -> HttpResponse:
    return render(request, "servicerequests/new.html", {"customer": customer, "form": form}, status=status)


def _request(request: HttpRequest, request_id: object) -> ServiceRequest:
    try:
        return selectors.request_for_partner(partner=request.tenant, customer=request.on_behalf.customer,  # type: ignore[attr-defined]
                                             request_id=request_id)
    except NotFound as exc:
        raise Http404 from exc


def _detail(request: HttpRequest, sr: ServiceRequest, *, status_form: StatusForm | None = None,
            assignee_form: AssigneeForm | None = None, comment_form: CommentForm | None = None,
            status: int = 200) -> HttpResponse:
    users = selectors.assignable_users(partner=request.tenant)  # type: ignore[attr-defined]
    return render(request, "servicerequests/detail.html", {
        "customer": sr.customer, "sr": sr, "comments": selectors.thread(request=sr),
        "files": selectors.request_attachments(request=sr),
        "status_form": status_form or StatusForm(initial={"status": sr.status, "version": sr.version}),
        "assignee_form": assignee_form or AssigneeForm(users=users, initial={
            "assignee": str(sr.assignee_id or ""), "version": sr.version}),
        "comment_form": comment_form or CommentForm(),
        "next_statuses": [(value, Status(value).label) for value in rules.next_statuses(sr.status)],
        "closed": sr.status == Status.CLOSED,
        "download": "servicerequests:download",
    }, status=status)


@GUARD
def request_detail(request: HttpRequest, customer_id: object, request_id: object) -> HttpResponse:
    return _detail(request, _request(request, request_id))


def _fresh(request: HttpRequest, sr: ServiceRequest, exc: DomainError) -> ServiceRequest:
    """After a refusal, the request as it is now (a stale page shows the other person's change)."""
    return _request(request, sr.pk) if exc.code == Code.STALE else sr


@GUARD
def request_status(request: HttpRequest, customer_id: object, request_id: object) -> HttpResponse:
    sr = _request(request, request_id)
    if request.method != "POST":
        return redirect(sr_url(sr))  # the form lives on the request's page
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _detail(request, sr, status_form=form, status=400)
    try:
        sr = services.service_request_status_set(
            partner=request.tenant, actor=request.user, request=sr, status=form.cleaned_data["status"],  # type: ignore[attr-defined,arg-type]
            version=form.cleaned_data["version"], ip=client_ip(request))
    except DomainError as exc:
        sr = _fresh(request, sr, exc)
        form = StatusForm({"status": form.cleaned_data["status"], "version": sr.version})
        form.is_valid()
        return _detail(request, sr, status_form=form, status=show(request, exc, form))
    messages.success(request, _("The status is now %(status)s.") % {"status": sr.get_status_display()})
    return redirect("servicerequests:detail", customer_id=sr.customer_id, request_id=sr.pk)


@GUARD
def request_assignee(request: HttpRequest, customer_id: object, request_id: object) -> HttpResponse:
    sr = _request(request, request_id)
    if request.method != "POST":
        return redirect(sr_url(sr))  # the form lives on the request's page
    users = selectors.assignable_users(partner=request.tenant)  # type: ignore[attr-defined]
    form = AssigneeForm(request.POST, users=users)
    if not form.is_valid():
        return _detail(request, sr, assignee_form=form, status=400)
    try:
        sr = services.service_request_assign(
            partner=request.tenant, actor=request.user, request=sr, assignee_id=form.cleaned_data["assignee"],  # type: ignore[attr-defined,arg-type]
            version=form.cleaned_data["version"], ip=client_ip(request))
    except DomainError as exc:
        sr = _fresh(request, sr, exc)
        form = AssigneeForm({"assignee": form.cleaned_data["assignee"], "version": sr.version}, users=users)
        form.is_valid()
        return _detail(request, sr, assignee_form=form, status=show(request, exc, form))
    messages.success(request, _("The assignee was saved."))
    return redirect("servicerequests:detail", customer_id=sr.customer_id, request_id=sr.pk)


@GUARD
def request_comment(request: HttpRequest, customer_id: object, request_id: object) -> HttpResponse:
    sr = _request(request, request_id)
    if request.method != "POST":
        return redirect(sr_url(sr))  # the form lives on the request's page
    form = CommentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, sr, comment_form=form, status=400)
    try:
        services.comment_add_partner(partner=request.tenant, actor=request.user, request=sr,  # type: ignore[attr-defined,arg-type]
                                     body=form.cleaned_data["body"], uploads=uploads(request), ip=client_ip(request))
    except DomainError as exc:
        return _detail(request, sr, comment_form=form, status=show(request, exc, form))
    messages.success(request, _("Your comment was added."))
    return redirect(f"{sr_url(sr)}#comments")


def sr_url(sr: ServiceRequest) -> str:
    from django.urls import reverse

    return reverse("servicerequests:detail", kwargs={"customer_id": sr.customer_id, "request_id": sr.pk})


@GUARD
def attachment_download(request: HttpRequest, customer_id: object, request_id: object,
                        attachment_id: object) -> HttpResponse:
    sr = _request(request, request_id)
    try:
        attachment = selectors.attachment_of(request=sr, attachment_id=attachment_id)
    except NotFound as exc:
        raise Http404 from exc
    return attachment_response(attachment)
