"""View guards. Every tenant view declares the permission it needs; the check runs per request.

`tenant_view(perm)` asks for `perm` on every method; `tenant_view(get=…, post=…)` (or `perm` with one
override) asks per method: reading methods (GET, HEAD, OPTIONS) need `get`, every other method `post`.
The wrapped view carries what it declared (`required_perms`, `required_perm`, `tenant_kind`), which the
URL sweep test reads from the resolver."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from partnercenter.models import TenantKind
from partnercenter.roles import Perm

ViewFunc = Callable[..., HttpResponse]
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _known(perm: str) -> str:
    if perm not in Perm.values:
        raise ValueError(f"{perm!r} is not a permission (partnercenter.roles.Perm)")
    return perm


def tenant_view(
    perm: str | None = None, *, get: str | None = None, post: str | None = None, kind: str = TenantKind.PARTNER
) -> Callable[[ViewFunc], ViewFunc]:
    """Signed-in user, an active tenant of `kind`, and the method's permission in that tenant; else
    login / 404 / 403."""
    read = _known(get or perm or "")
    write = _known(post or perm or "")

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            tenant = request.tenant  # type: ignore[attr-defined]
            if tenant is None or tenant.kind != kind:
                raise Http404
            needed = read if request.method in READ_METHODS else write
            if not request.tenancy.has(needed):  # type: ignore[attr-defined]
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_perms = {"GET": read, "POST": write}  # type: ignore[attr-defined]
        wrapped.required_perm = read  # type: ignore[attr-defined]
        wrapped.tenant_kind = kind  # type: ignore[attr-defined]
        return wrapped

    return decorator
