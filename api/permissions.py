"""Per route: the token's scope for the area (`….read` for safe methods, `….write` otherwise; write
includes read) and the role permission the view names for the method (the app's roles). HEAD is a GET
(GET's scope and permission); OPTIONS, DRF's metadata answer, needs a valid token only."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from partnercenter.errors import Code


class InsufficientScope(exceptions.PermissionDenied):
    api_code = "insufficient_scope"


class AppMayCall(BasePermission):
    """The view declares `api_area` (a models.SCOPE_AREAS entry) and `api_perms` ({method: Perm})."""

    def has_permission(self, request, view) -> bool:  # noqa: ANN001
        if getattr(request, "api_app", None) is None:
            raise exceptions.NotAuthenticated(_("Send a bearer token from POST /oauth2/token/."))
        if request.method == "OPTIONS":
            return True  # which methods and formats the route has: nothing of the partner's is read
        method = "GET" if request.method == "HEAD" else request.method
        area = view.api_area
        granted = set((request.auth.scope or "").split())
        wanted = {f"{area}.read", f"{area}.write"} if method in SAFE_METHODS else {f"{area}.write"}
        if not granted & wanted:
            raise InsufficientScope(_("This app's token lacks the scope %(scope)s.")
                                    % {"scope": sorted(wanted)[-1] if method not in SAFE_METHODS
                                       else f"{area}.read"})
        perm = view.api_perms.get(method) or view.api_perms.get("*")
        if perm is None:
            raise exceptions.MethodNotAllowed(request.method)
        if not request.tenancy.has(perm):
            error = exceptions.PermissionDenied(_("This app's roles do not allow this."))
            error.api_code = Code.FORBIDDEN
            raise error
        return True
