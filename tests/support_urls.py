"""The portal's URLconf plus one page per gdap.access action behind support.onbehalf.on_behalf_view, with
the partner permission the role table gives that page (tests/test_support_matrix.py)."""

from django.http import HttpResponse
from django.urls import path

from gdap import access
from partnercenter.roles import Perm
from partnercenter.urls import urlpatterns as portal
from support.onbehalf import on_behalf_view

# The page permission of each action's page (partnercenter/roles.py: full / limited administration).
PAGE_PERM = {
    access.USERS_READ: Perm.CUSTOMER_USERS_VIEW,
    access.USERS_MANAGE: Perm.CUSTOMER_USERS_MANAGE,
    access.USERS_PASSWORD_RESET: Perm.PASSWORD_RESET,
    access.LICENSES_MANAGE: Perm.LICENSES_MANAGE,
    access.SERVICE_REQUESTS_MANAGE: Perm.SERVICE_REQUESTS,
    access.SERVICES_READ: Perm.SERVICES_VIEW,
    access.SERVICES_MANAGE: Perm.SERVICES_VIEW,
}


def _page(action: str):  # noqa: ANN202
    @on_behalf_view(PAGE_PERM[action], action)
    def page(request, customer_id):  # noqa: ANN001, ANN202
        assert request.on_behalf.decision and request.on_behalf.action == action
        return HttpResponse(f"on behalf: {action} via {request.on_behalf.decision.via}")

    return page


urlpatterns = [
    *portal,
    *(path(f"on-behalf-test/{action}/<uuid:customer_id>/", _page(action)) for action in PAGE_PERM),
]
