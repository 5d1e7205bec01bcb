"""A partner with a customer it holds DAP for, the people of both sides, and helpers to make requests and
uploads (tests of servicerequests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from customers.models import Service
from customers.services import dap_grant, reseller_relationship_ensure
from partnercenter.models import Tenant, User
from partnercenter.roles import Role
from servicerequests import services
from servicerequests.models import ServiceRequest
from tests.factories import PartnerFactory, TenantFactory, member

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
PDF = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 40


@dataclass
class World:
    partner: Tenant
    admin: User
    agent: User
    helpdesk: User
    sales: User
    customer: Tenant
    customer_admin: User
    customer_user: User

    def url(self, sr: ServiceRequest | None = None, suffix: str = "") -> str:
        base = f"/customers/{self.customer.id}/service-requests/"
        return f"{base}{sr.pk}/{suffix}" if sr is not None else base + suffix


def world(tag: str = "Contoso", *, dap: bool = True, languages: bool = True) -> World:
    """languages: the agent reads German and the customer's Global admin Hungarian (mails); else all English."""
    partner = PartnerFactory(name=f"{tag} Partner")
    admin = member(partner, Role.GLOBAL_ADMIN)
    customer = TenantFactory(name=f"{tag} Customer")
    reseller_relationship_ensure(partner=partner, customer=customer, actor=admin)
    if dap:
        dap_grant(partner=partner, customer=customer, services=list(Service.values), reassign=False, actor=admin)
    de, hu = ("de", "hu") if languages else ("", "")
    return World(partner=partner, admin=admin, agent=member(partner, Role.ADMIN_AGENT, language=de),
                 helpdesk=member(partner, Role.HELPDESK_AGENT), sales=member(partner, Role.SALES_AGENT),
                 customer=customer, customer_admin=member(customer, Role.CUSTOMER_GLOBAL_ADMIN, language=hu),
                 customer_user=member(customer, Role.CUSTOMER_USER))


def open_request(w: World, actor: User | None = None, **kwargs: Any) -> ServiceRequest:
    values = {"title": "Mail flow stopped", "description": "Since 9:00 no mail arrives.", "severity": "A",
              "category": "email", **kwargs}
    return services.service_request_create(partner=w.partner, actor=actor or w.agent, customer=w.customer, **values)


def upload(name: str = "trace.txt", content: bytes = b"line 1\nline 2\n", content_type: str = "text/plain",
           ) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
