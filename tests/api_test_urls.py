"""The portal's URLconf plus two API views of each family for the core's tests (tests/test_api_core.py):
one that reads, one that writes through a service raising typed errors."""

from django.urls import path
from rest_framework.response import Response

from api.base import GraphView, RestView
from partnercenter.errors import Conflict, Invalid
from partnercenter.roles import Perm
from partnercenter.urls import urlpatterns as portal


class _Probe:
    api_area = "customers"
    api_perms = {"GET": Perm.CUSTOMERS_VIEW, "POST": Perm.CUSTOMERS_ADD}

    def get(self, request):  # noqa: ANN001, ANN201
        return Response({"partner": str(request.tenant.pk), "user": request.user.email,
                         "roles": sorted(request.tenancy.roles)})

    def post(self, request):  # noqa: ANN001, ANN201
        from partnercenter.events import CoreEvents, event_record

        name = request.data.get("name", "")
        if name == "taken":
            raise Conflict("That name is taken.")
        if not name:
            raise Invalid("Enter a name.", field="name")
        event_record(tenant=request.tenant, kind=CoreEvents.PROFILE_UPDATED, actor=request.user,
                     data={"name": name})
        return Response({"name": name, "id": request.request_id}, status=201)


class RestProbe(_Probe, RestView):
    pass


class GraphProbe(_Probe, GraphView):
    pass


urlpatterns = [
    path("api-test/rest/", RestProbe.as_view()),
    path("api-test/graph/", GraphProbe.as_view()),
    *portal,
]
