"""The webhook events of API.md §3 and the activity kinds they come from.

| webhook event                                 | activity kind (app)                        | resource (ordering key)   |
|-----------------------------------------------|--------------------------------------------|---------------------------|
| reseller-relationship-accepted-by-customer    | request.accepted (invitations)             | Customer                  |
| dap-admin-relationship-approved               | dap.granted (customers)                    | partner + customer DAP    |
| dap-admin-relationship-terminated             | dap.removed (customers)                    | partner + customer DAP    |
| granular-admin-relationship-approved          | gdap.approval_submitted (gdap)             | the admin relationship    |
| granular-admin-relationship-activated         | gdap.approved (gdap: active, end date set) | the admin relationship    |
| granular-admin-relationship-terminated        | gdap.terminated (gdap)                     | the admin relationship    |
| granular-admin-relationship-expired           | gdap.expired (gdap)                        | the admin relationship    |
| granular-admin-access-assignment-created      | gdap.assignment_created (gdap)             | the access assignment     |
| granular-admin-access-assignment-activated    | gdap.assignment_created (active at once)   | the access assignment     |
| granular-admin-access-assignment-updated      | gdap.assignment_updated (gdap)             | the access assignment     |
| granular-admin-access-assignment-deleted      | gdap.assignment_deleted (gdap)             | the access assignment     |
| subscription-updated                          | subscription.quantity / .suspended /       | the subscription          |
|                                               | .reactivated / .cancelled / .support_contact|                          |
| test-created                                  | — (Send test event, validationEvents)      | none (never waits)        |

Every kind is recorded in the partner's log and usually in the customer's too; only the partner's entry
(``entry.tenant`` = ``data["partner_id"]``) makes events: registrations belong to partners."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.conf import settings

TEST_CREATED = "test-created"

EVENT_NAMES: tuple[str, ...] = (
    "reseller-relationship-accepted-by-customer",
    "dap-admin-relationship-approved",
    "dap-admin-relationship-terminated",
    "granular-admin-relationship-approved",
    "granular-admin-relationship-activated",
    "granular-admin-relationship-terminated",
    "granular-admin-relationship-expired",
    "granular-admin-access-assignment-created",
    "granular-admin-access-assignment-activated",
    "granular-admin-access-assignment-updated",
    "granular-admin-access-assignment-deleted",
    "subscription-updated",
    TEST_CREATED,
)


@dataclass(frozen=True)
class Resource:
    name: str  # ResourceName
    path: str  # ResourceUri below SITE_URL
    key: str  # deliveries of one key and registration go out in order


Builder = Callable[[dict[str, Any]], Resource]


def _customer(data: dict[str, Any]) -> Resource:
    return Resource("Customer", f"/v1/customers/{data['customer_id']}", f"customer:{data['customer_id']}")


def _dap(data: dict[str, Any]) -> Resource:
    return Resource("DelegatedAdminPermission", f"/v1/customers/{data['customer_id']}",
                    f"dap:{data['partner_id']}:{data['customer_id']}")


_GRAPH = "/v1.0/tenantRelationships/delegatedAdminRelationships"


def _relationship(data: dict[str, Any]) -> Resource:
    rel = data["relationship_id"]
    return Resource("DelegatedAdminRelationship", f"{_GRAPH}/{rel}", f"gdap:{rel}")


def _assignment(data: dict[str, Any]) -> Resource:
    rel, assignment = data["relationship_id"], data["assignment_id"]
    return Resource("DelegatedAdminAccessAssignment", f"{_GRAPH}/{rel}/accessAssignments/{assignment}",
                    f"gdap-assignment:{assignment}")


def _subscription(data: dict[str, Any]) -> Resource:
    sid = data["subscription_id"]
    return Resource("Subscription", f"/v1/customers/{data['customer_id']}/subscriptions/{sid}", f"subscription:{sid}")


# activity kind → (webhook events in the order they are written, the resource they are about)
KIND_EVENTS: dict[str, tuple[tuple[str, ...], Builder]] = {
    "request.accepted": (("reseller-relationship-accepted-by-customer",), _customer),
    "dap.granted": (("dap-admin-relationship-approved",), _dap),
    "dap.removed": (("dap-admin-relationship-terminated",), _dap),
    "gdap.approval_submitted": (("granular-admin-relationship-approved",), _relationship),
    "gdap.approved": (("granular-admin-relationship-activated",), _relationship),
    "gdap.terminated": (("granular-admin-relationship-terminated",), _relationship),
    "gdap.expired": (("granular-admin-relationship-expired",), _relationship),
    "gdap.assignment_created": (("granular-admin-access-assignment-created",
                                 "granular-admin-access-assignment-activated"), _assignment),
    "gdap.assignment_updated": (("granular-admin-access-assignment-updated",), _assignment),
    "gdap.assignment_deleted": (("granular-admin-access-assignment-deleted",), _assignment),
    "subscription.quantity": (("subscription-updated",), _subscription),
    "subscription.suspended": (("subscription-updated",), _subscription),
    "subscription.reactivated": (("subscription-updated",), _subscription),
    "subscription.cancelled": (("subscription-updated",), _subscription),
    "subscription.support_contact": (("subscription-updated",), _subscription),
}


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def payload(name: str, resource: Resource, *, audit_path: str, changed_at: Any) -> dict[str, str]:
    """Partner Center's payload: EventName, ResourceUri, ResourceName, AuditUri, ResourceChangeUtcDate."""
    return {
        "EventName": name,
        "ResourceUri": absolute(resource.path),
        "ResourceName": resource.name,
        "AuditUri": absolute(audit_path) if audit_path else "",
        "ResourceChangeUtcDate": changed_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }


def event_labels() -> dict[str, Any]:
    """What each event means, for the checkboxes of the Add webhook page."""
    from django.utils.translation import gettext_lazy as _

    return {
        "reseller-relationship-accepted-by-customer": _("A customer accepted your reseller relationship request"),
        "dap-admin-relationship-approved": _("A customer granted you delegated admin permissions"),
        "dap-admin-relationship-terminated": _("Delegated admin permissions were removed"),
        "granular-admin-relationship-approved": _("A customer approved a granular admin relationship"),
        "granular-admin-relationship-activated": _("A granular admin relationship became active"),
        "granular-admin-relationship-terminated": _("A granular admin relationship was terminated"),
        "granular-admin-relationship-expired": _("A granular admin relationship expired"),
        "granular-admin-access-assignment-created": _("A security group was given roles in a relationship"),
        "granular-admin-access-assignment-activated": _("A security group's access became active"),
        "granular-admin-access-assignment-updated": _("A security group's roles changed"),
        "granular-admin-access-assignment-deleted": _("A security group was removed from a relationship"),
        "subscription-updated": _("A subscription's quantity, status or support contact changed"),
        TEST_CREATED: _("A test event (Send test event)"),
    }
