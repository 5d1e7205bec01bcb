from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from partnercenter.devtools import dev_outbox_visible
from partnercenter.roles import NO_PERMISSIONS


def portal(request: HttpRequest) -> dict[str, Any]:
    tenancy = getattr(request, "tenancy", None)
    return {
        "tenancy": tenancy,
        "active_tenant": getattr(request, "tenant", None),
        "perms_in_tenant": tenancy.perms if tenancy else NO_PERMISSIONS,
        "dev_outbox_enabled": dev_outbox_visible(request),
    }
