"""Helpers of the GDAP settings tests (tests/test_gdap_settings_*.py)."""

from __future__ import annotations

import re

from customers.services import reseller_relationship_ensure
from gdap import services
from partnercenter.roles import Role
from tests.factories import member

DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"


def invalid(html: str, name: str) -> bool:
    """The form control named `name` is marked invalid (its message is beside it)."""
    tags = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    return any(f'name="{name}"' in tag and "is-invalid" in tag for tag in tags)


def active_assignment(partner, partner_admin, customer, group, name: str = "Adatum support"):  # noqa: ANN001, ANN201
    """An active relationship with `customer` whose assignment gives `group` Directory Readers."""
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    rel, raw = services.request_relationship(partner=partner, actor=partner_admin, customer=customer,
                                             display_name=name, roles=[DIRECTORY_READERS, GLOBAL_READER],
                                             duration="P90D")
    approver = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)
    request = services.approval_submit(raw_token=raw, user=approver, customer=customer)
    # A transactional test may already have run the queued task on commit.
    assert services.approval_process(request_id=str(request.pk)) in ("succeeded", "done-already")
    rel.refresh_from_db()
    return services.assignment_create(rel, actor=partner_admin, security_group=group, roles=[DIRECTORY_READERS])
