"""The Webhooks pages under API access (partner Global admins, Perm.API_MANAGE): the list, Add webhook
(the secret shown once), a registration with its delivery log, Edit, Rotate secret, Send test event,
Disable / Enable, Delete, and Redeliver per event. Each view maps a request to one service call."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from partnercenter.errors import DomainError, show
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm
from webhooks import selectors, services
from webhooks.catalog import event_labels
from webhooks.forms import WebhookForm
from webhooks.models import Registration


def _registration(request: HttpRequest, registration_id: Any) -> Registration:
    return selectors.registration_get(partner=request.tenant, registration_id=registration_id)  # type: ignore[attr-defined]


@tenant_view(Perm.API_MANAGE)
def registrations(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return render(request, "webhooks/registrations.html", {
        "registrations": list(selectors.registrations(partner=request.tenant)),  # type: ignore[attr-defined]
    })


def _form_page(request: HttpRequest, form: WebhookForm, registration: Registration | None,
               status: int = 200) -> HttpResponse:
    return render(request, "webhooks/registration_form.html", {"form": form, "registration": registration},
                  status=status)


def _secret_page(request: HttpRequest, registration: Registration, secret: str, rotated: bool) -> HttpResponse:
    response = render(request, "webhooks/registration_secret.html",
                      {"registration": registration, "secret": secret, "rotated": rotated})
    response["Cache-Control"] = "no-store"
    return response


@tenant_view(Perm.API_MANAGE)
def registration_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, WebhookForm(), None)
    form = WebhookForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, None, 400)
    try:
        registration, secret = services.registration_create(
            partner=request.tenant, actor=request.user, **form.cleaned_data)  # type: ignore[attr-defined, arg-type]
    except DomainError as exc:
        return _form_page(request, form, None, show(request, exc, form))
    return _secret_page(request, registration, secret, rotated=False)


@tenant_view(Perm.API_MANAGE)
def registration_detail(request: HttpRequest, registration_id: Any) -> HttpResponse:
    registration = _registration(request, registration_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    page = selectors.delivery_log(registration=registration, number=request.GET.get("page") or 1)
    labels = event_labels()
    return render(request, "webhooks/registration.html", {
        "registration": registration, "page": page,
        "events": [(name, labels.get(name, "")) for name in registration.events],
    })


@tenant_view(Perm.API_MANAGE)
def registration_edit(request: HttpRequest, registration_id: Any) -> HttpResponse:
    registration = _registration(request, registration_id)
    if request.method != "POST":
        return _form_page(request, WebhookForm(initial={"url": registration.url, "events": registration.events}),
                          registration)
    form = WebhookForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, registration, 400)
    try:
        services.registration_update(registration=registration, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
    except DomainError as exc:
        return _form_page(request, form, registration, show(request, exc, form))
    messages.success(request, _("Webhook saved."))
    return redirect("webhooks:registration", registration_id=registration.pk)


def _confirm(request: HttpRequest, registration: Registration, action: str) -> HttpResponse:
    return render(request, "webhooks/registration_confirm.html", {
        "registration": registration, "action": action, "overlap_hours": settings.WEBHOOKS_SECRET_OVERLAP_HOURS})


@tenant_view(Perm.API_MANAGE)
def registration_rotate(request: HttpRequest, registration_id: Any) -> HttpResponse:
    registration = _registration(request, registration_id)
    if request.method != "POST":
        return _confirm(request, registration, "rotate")
    registration, secret = services.registration_rotate(registration=registration, actor=request.user)  # type: ignore[arg-type]
    return _secret_page(request, registration, secret, rotated=True)


@tenant_view(Perm.API_MANAGE)
def registration_delete(request: HttpRequest, registration_id: Any) -> HttpResponse:
    registration = _registration(request, registration_id)
    if request.method != "POST":
        return _confirm(request, registration, "delete")
    services.registration_delete(registration=registration, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Webhook to %(url)s deleted.") % {"url": registration.url})
    return redirect("webhooks:registrations")


def _post_only(request: HttpRequest, registration_id: Any, act: Any, done: str) -> HttpResponse:
    registration = _registration(request, registration_id)  # another partner's id: 404 whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        act(registration)
    except DomainError as exc:
        show(request, exc)
    else:
        messages.success(request, done)
    return redirect("webhooks:registration", registration_id=registration.pk)


@tenant_view(Perm.API_MANAGE)
def registration_test(request: HttpRequest, registration_id: Any) -> HttpResponse:
    return _post_only(request, registration_id,
                      lambda r: services.test_event_send(registration=r, actor=request.user),  # type: ignore[arg-type]
                      _("Test event queued. Its delivery appears in the log below."))


@tenant_view(Perm.API_MANAGE)
def registration_disable(request: HttpRequest, registration_id: Any) -> HttpResponse:
    return _post_only(request, registration_id,
                      lambda r: services.registration_disable(registration=r, actor=request.user),  # type: ignore[arg-type]
                      _("Webhook disabled: events are no longer sent to it."))


@tenant_view(Perm.API_MANAGE)
def registration_enable(request: HttpRequest, registration_id: Any) -> HttpResponse:
    return _post_only(request, registration_id,
                      lambda r: services.registration_enable(registration=r, actor=request.user),  # type: ignore[arg-type]
                      _("Webhook enabled."))


@tenant_view(Perm.API_MANAGE)
def event_redeliver(request: HttpRequest, registration_id: Any, event_id: int) -> HttpResponse:
    registration = _registration(request, registration_id)
    event = selectors.event_get(registration=registration, event_id=event_id)
    return _post_only(request, registration.pk,
                      lambda r: services.event_redeliver(event=event, actor=request.user),  # type: ignore[arg-type]
                      _("Event %(id)s will be delivered again.") % {"id": event.webhook_id})
