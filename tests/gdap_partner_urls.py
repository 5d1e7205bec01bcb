"""Test URLconf for the partner GDAP pages: the project's, plus a stand-in for the customer's approval
page ("gdap:approval", built in a parallel branch) while it does not exist. Once it does, this adds
nothing and the real page is used."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLResolver, include, path

from gdap import urls as gdap_urls
from partnercenter import urls as project


def approval_stand_in(request: HttpRequest, token: str) -> HttpResponse:
    return HttpResponse("Granular admin relationship request (stand-in)")


_gdap = list(gdap_urls.urlpatterns)
if not any(getattr(pattern, "name", None) == "approval" for pattern in _gdap):
    _gdap.append(path("approval/<str:token>/", approval_stand_in, name="approval"))

urlpatterns = [p for p in project.urlpatterns if not (isinstance(p, URLResolver) and p.namespace == "gdap")]
urlpatterns.append(path("gdap/", include((_gdap, "gdap"))))
handler500 = project.handler500
