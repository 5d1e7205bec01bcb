"""Reads of webhooks, always scoped by the partner: another partner's id is NotFound."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from api.models import ApiApp
from partnercenter.errors import NotFound
from partnercenter.models import Tenant
from webhooks.models import DeliveryAttempt, Event, Registration

LOG_PAGE_SIZE = 25


def registrations(*, partner: Tenant) -> QuerySet[Registration]:
    return Registration.objects.filter(partner=partner).select_related("api_app").order_by("created_at")


def registration_get(*, partner: Tenant, registration_id: Any) -> Registration:
    found = Registration.objects.filter(partner=partner, pk=registration_id).select_related("partner").first()
    if found is None:
        raise NotFound(_("Not found"))
    return found


def registration_of_app(*, app: ApiApp) -> Registration:
    found = Registration.objects.filter(api_app=app, partner_id=app.partner_id).select_related("partner").first()
    if found is None:
        raise NotFound(_("This app has no webhook registration."))
    return found


def event_get(*, registration: Registration, event_id: Any) -> Event:
    found = Event.objects.filter(registration=registration, pk=event_id).select_related("registration").first()
    if found is None:
        raise NotFound(_("Not found"))
    return found


def event_by_correlation(*, registration: Registration, correlation_id: Any) -> Event:
    found = Event.objects.filter(registration=registration, uuid=correlation_id).first()
    if found is None:
        raise NotFound(_("Not found"))
    return found


def delivery_log(*, registration: Registration, number: Any = 1) -> Page:
    """The registration's events, newest first, each with its attempts (newest first)."""
    events = (Event.objects.filter(registration=registration).order_by("-id")
              .prefetch_related(Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("-number"))))
    return Paginator(events, LOG_PAGE_SIZE).get_page(number)


def attempts_of(*, event: Event) -> QuerySet[DeliveryAttempt]:
    return event.attempt_log.order_by("number")
