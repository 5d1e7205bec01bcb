"""partnercenter.bodylimit: a request whose declared body is over REQUEST_MAX_BYTES is refused with 413
before anything reads it — a page in the visitor's language, or the API's error shape."""

from __future__ import annotations

import io
from wsgiref.util import is_hop_by_hop

import pytest
from django.test import Client, RequestFactory

from partnercenter.bodylimit import RequestBodyLimitMiddleware

pytestmark = pytest.mark.django_db


class Unreadable(io.RawIOBase):
    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def test_the_body_is_never_read_and_a_smaller_one_passes(settings):
    settings.REQUEST_MAX_BYTES = 1000
    seen = []
    middleware = RequestBodyLimitMiddleware(lambda request: seen.append(request) or "passed")
    big = RequestFactory().post("/customers/requests/", content_type="text/plain", data="x")
    big.META.update({"CONTENT_LENGTH": "1001", "wsgi.input": Unreadable()})
    response = middleware(big)
    assert response.status_code == 413 and not seen
    assert response["Content-Length"] == str(len(response.content))  # the answer ends, whatever is unread
    assert not any(is_hop_by_hop(name) for name in response.headers)  # WSGI servers refuse those
    small = RequestFactory().post("/customers/requests/", content_type="text/plain", data="x" * 1000)
    assert middleware(small) == "passed"
    bad = RequestFactory().get("/")
    bad.META["CONTENT_LENGTH"] = "not a number"
    assert middleware(bad) == "passed"  # Django reads no body it cannot measure
    settings.REQUEST_MAX_BYTES = 0  # 0: no ceiling
    assert middleware(big) == "passed"


@pytest.mark.parametrize(("language", "words"), [("en", "Upload too large"), ("de", "Hochladen zu groß"),
                                                 ("hu", "A feltöltés túl nagy")])
def test_the_page_says_so_in_the_visitors_language(settings, language, words):
    settings.REQUEST_MAX_BYTES = 1000
    response = Client(headers={"Accept-Language": language}).post(
        "/accounts/login/", data="x" * 2000, content_type="application/x-www-form-urlencoded")
    page = response.content.decode()
    assert response.status_code == 413 and words in page and f'lang="{language}"' in page
    assert "0.0 MB" not in page and ("1000" in page or "1,000" in page or "1.000" in page)


def test_the_apis_answer_in_their_error_shape(settings):
    settings.REQUEST_MAX_BYTES = 1000
    body = "{" + " " * 2000 + "}"
    rest = Client().post("/v1/customers", data=body, content_type="application/json")
    assert rest.status_code == 413
    assert rest.json()["errorName"] == "request_too_large" and rest.json()["code"] == 600110
    graph = Client(headers={"client-request-id": "abc"}).post(
        "/v1.0/tenantRelationships/delegatedAdminRelationships", data=body, content_type="application/json")
    assert graph.status_code == 413
    assert graph.json()["error"]["code"] == "requestTooLarge" and graph.json()["error"]["innerError"]["request-id"] == "abc"
