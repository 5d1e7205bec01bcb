"""Error pages in the portal's layout and the visitor's language (handler400/403/404/500, CSRF).

Django's own handlers render 400.html, 403.html, 404.html and 500.html from templates/; these views
add what they cannot: the CSRF failure page, and a 500 that never touches the database or the
context processors (the failure may be the database itself).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return HttpResponseForbidden(loader.render_to_string("403_csrf.html", {"reason": reason}, request=request))


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # A plain template render: no RequestContext, so no context processor and no query runs.
    return HttpResponseServerError(loader.get_template("500.html").render({}))
