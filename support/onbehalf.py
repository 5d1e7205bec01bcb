"""Acting on a customer's behalf (F13): the one guard every "on behalf" page uses.

A page declares the partner permission its role table gives (partnercenter.roles.Perm, as tenant_view) and the
action it does for the customer (gdap.access: users.read, users.manage, users.password_reset, licenses.manage,
service_requests.manage, services.read, services.manage), for reads and for writes. The guard then
- answers 404 unless the customer is one of the partner's active customers (another partner's customer),
- asks gdap.access.may(user, partner, customer, action): an active DAP covering it with a role of full or
  limited administration, or a GDAP role covering it through one of the user's security groups,
- and when that says no, renders the "Admin permissions needed" page (status 403): which action, which
  GDAP roles any of which would allow it, whether DAP would, and how to get them ("Request admin
  relationship" for those who may request one) — never a bare 403.

The view receives `request.on_behalf` (OnBehalf: customer, relationship row, the decision).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from customers.selectors import customer_for_partner
from gdap import access
from partnercenter.permissions import READ_METHODS, tenant_view
from partnercenter.roles import Perm

ACTION_LABELS = {
    access.USERS_READ: _("See the customer's users"),
    access.USERS_MANAGE: _("Add, edit, block and delete the customer's users"),
    access.USERS_PASSWORD_RESET: _("Reset the passwords of the customer's users"),
    access.LICENSES_MANAGE: _("Assign and unassign the customer's licenses"),
    access.SERVICE_REQUESTS_MANAGE: _("Work on the customer's service requests"),
    access.SERVICES_READ: _("See the customer's services"),
    access.SERVICES_MANAGE: _("Manage the customer's services"),
}
assert set(ACTION_LABELS) == set(access.DAP_SERVICES), "every gdap.access action needs a label"


@dataclass(frozen=True)
class OnBehalf:
    customer: Any  # partnercenter.models.Tenant
    row: Any  # customers.models.ResellerRelationship (the partner's active relationship)
    action: str
    decision: access.Decision

    def may(self, request: HttpRequest, action: str) -> access.Decision:
        """Another action for the same customer (e.g. whether to show "Reset password" on a list)."""
        if action == self.action:
            return self.decision
        return access.may(request.user, request.tenant, self.customer, action)  # type: ignore[attr-defined]


def dap_would_allow(request: HttpRequest, action: str) -> bool:
    """Whether an active DAP would allow this user `action` (their partner role has the level for it)."""
    return access._dap_allows(set(request.tenancy.roles), action)  # type: ignore[attr-defined]


def missing_permission(request: HttpRequest, customer: Any, action: str, decision: access.Decision) -> HttpResponse:
    """The "Admin permissions needed" page (403) for `action` on `customer`."""
    perms = request.tenancy.perms  # type: ignore[attr-defined]
    return render(request, "support/missing_permission.html", {
        "customer": customer,
        "action_label": ACTION_LABELS[action],
        "roles": decision.missing_roles,
        "dap_would_allow": dap_would_allow(request, action),
        "dap_services": sorted(str(label) for label in _service_labels(action)),
        "may_request": Perm.GDAP_MANAGE in perms,
        "may_view_gdap": Perm.GDAP_VIEW in perms,
    }, status=403)


def _service_labels(action: str) -> list:
    from customers.models import Service

    return [Service(value).label for value in sorted(access.DAP_SERVICES[action])]


def on_behalf_view(perm: str, action: str, *, post_perm: str | None = None, post_action: str | None = None,
                   ) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """tenant_view(perm, post=post_perm) + the customer (`customer_id` URL argument) + may(action);
    POST and other writes ask `post_action` (default: `action`)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @tenant_view(get=perm, post=post_perm or perm)
        @wraps(view)
        def wrapped(request: HttpRequest, customer_id: Any, *args: Any, **kwargs: Any) -> HttpResponse:
            row = customer_for_partner(partner=request.tenant, customer_id=customer_id)  # type: ignore[attr-defined]
            needed = action if request.method in READ_METHODS else (post_action or action)
            decision = access.may(request.user, request.tenant, row.customer, needed)  # type: ignore[attr-defined]
            if not decision:
                return missing_permission(request, row.customer, needed, decision)
            request.on_behalf = OnBehalf(row.customer, row, needed, decision)  # type: ignore[attr-defined]
            return view(request, customer_id, *args, **kwargs)

        wrapped.on_behalf_actions = {"GET": action, "POST": post_action or action}  # type: ignore[attr-defined]
        return wrapped

    return decorator
