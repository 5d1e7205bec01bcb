"""Where programs connect: the token endpoint, REST v1, Graph GDAP; and the partner's API access pages.
Unknown paths under the API prefixes answer 404 in the API's own shape, never an HTML page."""

from django.urls import include, path, re_path
from oauth2_provider import views as oauth2_views

from api import fallback
from api import views as access_views

# The API access pages (partner Global admins): namespace "api_access".
access_patterns = ([
    path("", access_views.app_list, name="list"),
    path("register/", access_views.app_register, name="register"),
    path("apps/<uuid:app_id>/rotate/", access_views.app_rotate, name="rotate"),
    path("apps/<uuid:app_id>/revoke/", access_views.app_revoke, name="revoke"),
], "api_access")

urlpatterns = [
    path("oauth2/token/", oauth2_views.TokenView.as_view(), name="oauth2_token"),
    path("v1/", include("api.rest.urls")),
    path("v1.0/tenantRelationships/", include("api.graph.urls")),
    # The API access pages (partner Global admins): api.views.
    path("api-access/", include(access_patterns)),
    re_path(r"^v1/", fallback.rest_not_found),
    re_path(r"^v1\.0/", fallback.graph_not_found),
]
