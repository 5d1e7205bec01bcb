"""View guards. Every tenant view declares the permission it needs; the check runs per request."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from partnercenter.models import TenantKind

ViewFunc = Callable[..., HttpResponse]


def tenant_view(perm: str, *, kind: str = TenantKind.PARTNER) -> Callable[[ViewFunc], ViewFunc]:
    """Signed-in user, an active tenant of `kind`, and `perm` in that tenant; else login / 404 / 403."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            tenant = request.tenant  # type: ignore[attr-defined]
            if tenant is None or tenant.kind != kind:
                raise Http404
            if not request.tenancy.has(perm):  # type: ignore[attr-defined]
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_perm = perm  # type: ignore[attr-defined]
        wrapped.tenant_kind = kind  # type: ignore[attr-defined]
        return wrapped

    return decorator
