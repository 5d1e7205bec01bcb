"""What the relationship request pages share: the customer tenant of the visitor and the name of the
portal the customer knows (the not-found answer every link kind shares is links.pages)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from customers.rules import in_us_government_cloud
from invitations.models import RelationshipRequest
from partnercenter.models import Tenant, TenantKind


def customer_tenant(request: HttpRequest) -> Tenant | None:
    """The visitor's active tenant when it is a customer organisation (a partner account answers nothing)."""
    tenant = getattr(request, "tenant", None)
    return tenant if tenant is not None and tenant.kind == TenantKind.CUSTOMER else None


def portal_name(rel_request: RelationshipRequest) -> str:
    """Where the customer answers: the US Government cloud calls the Admin center the Office admin portal."""
    return _("Office admin portal") if in_us_government_cloud(rel_request.partner) else _("Admin center")
