"""tests/api_test_urls.py plus two probes for tests/test_api_perms.py: one that reads (HEAD and OPTIONS
on it), and one whose route lets any role that may request a relationship in while the service it
calls asks more (admin permissions: Global admin and Admin agent only), as a route without its own
pre-check of the service's rule would."""

from django.urls import path
from rest_framework.response import Response

from api.base import RestView
from invitations.services import invitation_create
from partnercenter.roles import Perm
from tests.api_test_urls import urlpatterns as core


class ActivityProbe(RestView):
    api_area = "customers"
    api_perms = {"GET": Perm.ACTIVITY_VIEW}

    def get(self, request):  # noqa: ANN001, ANN201
        return Response({"roles": sorted(request.tenancy.roles)})


class DapRequestProbe(RestView):
    api_area = "relationships"
    api_perms = {"POST": Perm.RELATIONSHIP_REQUEST}

    def post(self, request):  # noqa: ANN001, ANN201
        made, _raw = invitation_create(partner=request.tenant, actor=request.user, reusable=True,
                                       include_dap=True)
        return Response({"id": str(made.pk), "dap": made.include_dap}, status=201)


urlpatterns = [
    path("api-perms/activity/", ActivityProbe.as_view()),
    path("api-perms/dap-request/", DapRequestProbe.as_view()),
    *core,
]
