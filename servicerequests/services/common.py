"""What the service request services share: the permission checks of each side, the activity entries,
the mails to the other side, and storing attachments."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from customers.selectors import customer_for_partner
from gdap import access
from partnercenter.errors import Forbidden
from partnercenter.events import event_record
from partnercenter.models import Tenant, User
from partnercenter.roles import Perm
from partnercenter.selectors import permissions_of
from partnercenter.services import outbox_email_create
from servicerequests import files
from servicerequests.events import ServiceRequestEvents
from servicerequests.models import Attachment, Comment, ServiceRequest, Side, Status

MAIL_BODY_MAX = 2000  # of a comment quoted in a mail


def require_partner_side(*, partner: Tenant, actor: User, customer: Tenant) -> None:
    """The actor works on service requests at `partner` (role) and may for this customer now (DAP or GDAP);
    another partner's customer is NotFound (customer_for_partner)."""
    customer_for_partner(partner=partner, customer_id=customer.pk)
    if Perm.SERVICE_REQUESTS not in permissions_of(user=actor, tenant=partner):
        raise Forbidden(_("Your role does not allow working on service requests."))
    if not access.may(actor, partner, customer, access.SERVICE_REQUESTS_MANAGE):
        raise Forbidden(_("You need admin permissions for this customer to work on its service requests."))


def require_customer_side(*, customer: Tenant, actor: User) -> None:
    if not customer.is_customer or Perm.SERVICE_REQUESTS_CUSTOMER not in permissions_of(user=actor, tenant=customer):
        raise Forbidden(_("Only your organisation's Global admins can comment on service requests."))


def lock(request: ServiceRequest) -> ServiceRequest:
    return (ServiceRequest.objects.select_for_update(of=("self",)).select_related("partner", "customer", "assignee",
                                                                                  "created_by").get(pk=request.pk))


def label(choice: Any, value: str) -> str:
    """A choice's label in the site's language, for the activity entry's data (worded once, like members)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(choice(value).label)


def data_of(request: ServiceRequest, **extra: Any) -> dict[str, Any]:
    return {"request_id": str(request.pk), "reference": request.reference, "title": request.title,
            "customer": request.customer.name, "customer_id": str(request.customer_id), **extra}


def record(request: ServiceRequest, kind: str, *, actor: User | None, ip: str | None = None,
           customer_too: bool = False, **extra: Any) -> None:
    """The partner's entry (with the customer); the customer's too when the customer acted."""
    data = data_of(request, **extra)
    event_record(tenant=request.partner, kind=kind, actor=actor, customer=request.customer, data=data, ip=ip)
    if customer_too:
        event_record(tenant=request.customer, kind=kind, actor=actor, customer=request.customer, data=data, ip=ip)


def _language(user: User) -> str:
    return user.language if user.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def partner_url(request: ServiceRequest) -> str:
    return f"{settings.SITE_URL}/customers/{request.customer_id}/service-requests/{request.pk}/"


def customer_url(request: ServiceRequest) -> str:
    return f"{settings.SITE_URL}/admin-center/service-requests/{request.pk}/"


def mail(users: list[User], template: str, request: ServiceRequest, *, url: str, tenant: Tenant,
         exclude: User | None = None, **context: Any) -> int:
    """One outbox row per recipient in their language (not to the actor), in the caller's transaction."""
    sent = 0
    for user in users:
        if exclude is not None and user.pk == exclude.pk:
            continue
        language = _language(user)
        with translation.override(language):
            status = str(Status(request.status).label)
        outbox_email_create(to_email=user.email, template=f"servicerequests/{template}", language=language,
                            tenant=tenant, context={"user": user, "sr": request, "url": url, "status": status,
                                                    "partner": request.partner, "customer": request.customer,
                                                    **context})
        sent += 1
    return sent


def quote(body: str) -> str:
    return body if len(body) <= MAIL_BODY_MAX else body[:MAIL_BODY_MAX] + " …"


def store_files(request: ServiceRequest, checked: list[files.CheckedFile], *, side: str, actor: User,
                comment: Comment | None, ip: str | None, saved: list[str]) -> list[Attachment]:
    """Each checked file into default_storage under a generated name and its row; `saved` collects the
    storage names so that the caller removes them when the transaction does not commit."""
    rows = []
    for item in checked:
        name = default_storage.save(files.storage_name(request.partner_id, request.pk), item.upload)
        saved.append(name)
        rows.append(Attachment.objects.create(request=request, comment=comment, name=item.name, storage_name=name,
                                              size=item.size, kind=item.kind, side=side, uploaded_by=actor))
        record(request, ServiceRequestEvents.ATTACHMENT_ADDED, actor=actor, ip=ip, customer_too=side == Side.CUSTOMER,
               name=item.name, size=item.size)
    return rows


class FilesGuard:
    """`with FilesGuard() as saved:` around a transaction that stores files: if it raises, the stored files
    are deleted again (nothing half-saved: no file without its row)."""

    def __enter__(self) -> list[str]:
        self.saved: list[str] = []
        return self.saved

    def __exit__(self, exc_type: object, exc: object, tb: object) -> bool:
        if exc_type is not None:
            for name in self.saved:
                default_storage.delete(name)
        return False
