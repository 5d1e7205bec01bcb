"""The OpenAPI document (/v1/openapi.json, api.rest.schema): valid OpenAPI 3, generated from the code and
covering every API route of the URL resolver; the reference page works under the site's CSP; and
Schemathesis runs the whole document against a live server: no server error, no answer outside it."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pytest
import schemathesis
from django.test import Client
from django.urls import get_resolver
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from openapi_spec_validator import validate
from schemathesis.generation import GenerationMode

from api.errors import ERROR_MEANINGS
from partnercenter.roles import Role
from subscriptions.models import Order, Subscription
from tests.api_commerce_support import shop
from tests.api_support import ALL_SCOPES, api_app, api_client, token_for
from tests.factories import PartnerFactory
from tests.test_url_sweep import _patterns, api_view_class

METHODS = ("get", "post", "put", "patch", "delete")


def _document() -> dict:
    response = Client().get("/v1/openapi.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    return response.json()


def _template(route: str) -> str:
    """A route of the resolver (path() converters or a regex) as an OpenAPI path template."""
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route.replace("^", "").replace("$", "").replace("\\.", "."))
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def api_routes() -> list[tuple[str, type]]:
    """(OpenAPI path, view class) of every ApiView route the URL resolver has."""
    routes = []
    for route, callback in _patterns(get_resolver().url_patterns):
        view = api_view_class(callback)
        if view is not None:
            routes.append((_template(route), view))
    return routes


def api_operations() -> set[tuple[str, str]]:
    """(OpenAPI path, method) of every ApiView route the URL resolver has."""
    return {(path, method) for path, view in api_routes() for method in METHODS if hasattr(view, method)}


@pytest.mark.django_db
def test_the_document_is_valid_openapi_and_covers_every_api_route_and_nothing_else():
    document = _document()
    validate(document)
    assert document["openapi"].startswith("3.") and document["info"]["title"] == "Partner Center API"
    documented = {(path, method) for path, item in document["paths"].items() for method in item if method in METHODS}
    expected = api_operations()
    assert ("/v1/customers/{customer_id}/subscriptions/{subscription_id}", "patch") in expected
    assert documented == expected
    flows = document["components"]["securitySchemes"]["oauth2"]["flows"]
    assert flows["clientCredentials"]["tokenUrl"] == "/oauth2/token/"
    assert set(flows["clientCredentials"]["scopes"]) == set(ALL_SCOPES) | {s.replace(".write", ".read")
                                                                            for s in ALL_SCOPES}


@pytest.mark.django_db
def test_each_operation_names_its_scope_its_errors_and_the_idempotency_key_of_posts():
    document = _document()
    subscription = document["paths"]["/v1/customers/{customer_id}/subscriptions/{subscription_id}"]
    assert subscription["get"]["security"] == [{"oauth2": ["subscriptions.read"]}, {"oauth2": ["subscriptions.write"]}]
    assert subscription["patch"]["security"] == [{"oauth2": ["subscriptions.write"]}]
    assert {"200", "400", "401", "403", "404", "409", "412", "428", "429"} <= set(subscription["patch"]["responses"])
    assert "ETag" in subscription["get"]["responses"]["200"]["headers"]
    error = subscription["patch"]["responses"]["412"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/RestError"}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            shape = "GraphError" if path.startswith("/v1.0/") else "RestError"
            assert operation["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].endswith(shape)
            assert operation["security"], (method, path)
            if method == "post":
                assert "Idempotency-Key" in [p["name"] for p in operation["parameters"]], path


@pytest.mark.django_db
def test_every_family_declares_its_errors_with_the_one_table_of_meanings_in_its_own_shape():
    paths = _document()["paths"]
    webhooks, customers = paths["/webhooks/v1/registration"]["get"], paths["/v1/customers/{customer_id}"]["get"]
    graph = paths["/v1.0/tenantRelationships/delegatedAdminRelationships/{rel_id}"]["patch"]
    for operation, shape in ((webhooks, "RestError"), (customers, "RestError"), (graph, "GraphError")):
        for status in ("401", "403", "404", "429"):
            answer = operation["responses"][status]
            assert answer["description"] == str(ERROR_MEANINGS[int(status)]), (operation["operationId"], status)
            assert answer["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{shape}"}
    assert graph["responses"]["412"]["description"] == str(ERROR_MEANINGS[412])
    every = [answer for item in paths.values() for operation in item.values() if isinstance(operation, dict)
             for status, answer in operation.get("responses", {}).items() if int(status) >= 400]
    assert {answer["description"] for answer in every} <= {str(text) for text in ERROR_MEANINGS.values()}


@pytest.mark.django_db
def test_the_document_and_the_reference_page_are_public_even_with_a_bad_token():
    for client in (Client(), Client(headers={"Authorization": "Bearer nonsense"})):
        assert client.get("/v1/openapi.json").status_code == 200
        assert client.get("/v1/reference/").status_code == 200


@pytest.mark.django_db
def test_the_reference_page_loads_everything_from_this_site_and_nothing_inline():
    response = Client().get("/v1/reference/")
    html = response.content.decode()
    assert response["Content-Type"].startswith("text/html") and "Content-Security-Policy" in response
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith(("/static/", "/v1/reference/")) for source in sources), sources
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in sources
    assert "<style" not in html and not re.search(r"<script>", html)  # no inline code for the CSP to block
    script = Client().get("/v1/reference/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "/v1/openapi.json" in script.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_reference_page_authorizes_an_app_and_tries_a_call_under_the_csp(new_page):
    mine = shop(PartnerFactory(name="Contoso Cloud GmbH", country="DE"))
    app, secret = api_app(mine.partner, registrant=mine.admin, scopes=["subscriptions.read"])
    page = new_page()
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto("/v1/reference/")
    page.get_by_text("/v1/customers/{customer_id}/orders", exact=True).first.wait_for()
    assert page.locator(".opblock").count() >= len(api_operations())
    # "Authorize": the client credentials grant at /oauth2/token/, from the page.
    page.locator(".btn.authorize").first.click()
    dialog = page.locator(".dialog-ux")
    dialog.locator("input[id^=client_id]").fill(app.client_id)
    dialog.locator("input[id^=client_secret]").fill(secret)
    dialog.get_by_text("subscriptions.read", exact=True).first.click()
    dialog.locator(".auth-btn-wrapper .authorize").click()
    dialog.get_by_text("Logout").first.wait_for()
    dialog.locator(".auth-btn-wrapper .btn-done").click()
    # "Try it out" on the list of a customer's subscriptions.
    operation = page.locator("#operations-Subscriptions-customer_subscriptions_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_text("Try it out").click()
    operation.locator("input[placeholder=customer_id]").fill(str(mine.customer.id))
    operation.get_by_text("Execute").click()
    status = operation.locator(".live-responses-table tr.response .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    assert "Business Mail Basic" in operation.locator(".live-responses-table").inner_text()
    assert blocked == []


@pytest.mark.django_db
def test_every_api_route_answers_another_partners_ids_with_a_404_in_its_shape():
    """Every API route with parameters, every method, called by another partner's all-scopes Global-admin app
    with the owner's real ids (or made-up ones for parameters of other names): 404 in the route's shape."""
    theirs = shop(PartnerFactory())
    ids = {"customer_id": theirs.customer.id, "subscription_id": theirs.subscription.id, "order_id": theirs.order.id}
    client, _app = api_client(PartnerFactory(), scopes=ALL_SCOPES)
    checked = set()
    for template, view in api_routes():
        if "{" not in template:
            continue
        url = re.sub(r"{(\w+)}", lambda match: str(ids.get(match[1], "00000000-0000-4000-8000-000000000000")),
                     template)
        for method in METHODS:
            if not hasattr(view, method):
                continue
            if method == "get":
                response = client.get(url)
            else:
                response = getattr(client, method)(url, {}, content_type="application/json", headers={"If-Match": "*"})
            assert response.status_code == 404, (method, template, response.status_code, response.content[:300])
            body = response.json()
            assert body["error"]["code"] == "notFound" if template.startswith("/v1.0/") else (
                body["errorName"] == "not_found"), (method, template, body)
            checked.add((template, method))
    assert ("/v1/customers/{customer_id}/orders", "post") in checked
    assert Order.objects.count() == 1 and Subscription.objects.get().quantity == 3


# --- Schemathesis against a live server ------------------------------------------------------------


@dataclass
class World:
    token: str
    ids: dict[str, str]  # path parameter → a real object of the app's partner


@pytest.fixture
def api_world(live_server, settings) -> World:  # noqa: ANN001
    """A Global-admin app with every scope, of a partner with a customer, an order and a subscription
    (generated ids would never find anything): path parameters of these names get the real ids."""
    settings.API_THROTTLE_RATE = "100000/min"
    mine = shop(PartnerFactory(name="Contoso Cloud GmbH", country="DE"))
    app, secret = api_app(mine.partner, registrant=mine.admin, scopes=ALL_SCOPES, roles=[Role.GLOBAL_ADMIN])
    return World(token=token_for(app, secret), ids={
        "customer_id": str(mine.customer.id), "subscription_id": str(mine.subscription.id),
        "order_id": str(mine.order.id)})


CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance,
          schemathesis.checks.content_type_conformance, schemathesis.checks.response_schema_conformance,
          schemathesis.checks.response_headers_conformance]


def _fuzz(operation, mode, world: World, base_url: str, calls: Counter):  # noqa: ANN001, ANN202
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=5, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def run(case) -> None:  # noqa: ANN001
        for name, value in world.ids.items():
            if isinstance(case.path_parameters, dict) and name in case.path_parameters:
                case.path_parameters[name] = value
        calls[operation.label] += 1
        case.call_and_validate(base_url=base_url, headers={"Authorization": f"Bearer {world.token}"}, checks=CHECKS)

    return run


@pytest.mark.django_db(transaction=True)
def test_every_operation_answers_generated_requests_within_its_document(api_world, live_server):  # noqa: ANN001
    """Schemathesis: for each operation of the live document, 5 derandomized requests that fit it and 5
    that don't (where it can make some), sent with the token; every answer is checked against it."""
    schema = schemathesis.openapi.from_url(f"{live_server.url}/v1/openapi.json")
    failures: dict[str, str] = {}
    calls: Counter = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, api_world, live_server.url, calls)()
            except Unsatisfiable:  # nothing about the operation can be made invalid
                continue
            except Exception as exc:  # noqa: BLE001  (every operation's failures are reported together)
                failures[f"{mode.value} {operation.label}"] = str(exc)[:3000]
    # And the answers of real changes, which generated bodies rarely make, match the document too.
    ids = api_world.ids
    for label, body, headers, status in (
        ("PATCH /v1/customers/{customer_id}/subscriptions/{subscription_id}", {"quantity": 4}, {"If-Match": "*"}, 200),
        ("POST /v1/customers/{customer_id}/orders", {"lineItems": [{"offerId": "mail-basic", "quantity": 2}]},
         {"Idempotency-Key": "schemathesis-1"}, 201),
    ):
        operation = schema.find_operation_by_label(label)
        case = operation.Case(path_parameters={name: ids[name] for name in re.findall(r"{(\w+)}", label)},
                              body=body, headers=headers, media_type="application/json")
        response = case.call_and_validate(base_url=live_server.url,
                                          headers={"Authorization": f"Bearer {api_world.token}"}, checks=CHECKS)
        assert response.status_code == status, (label, response.text)
    assert failures == {}
    assert len(operations) == len(api_operations()) and set(calls) == {op.label for op in operations}
