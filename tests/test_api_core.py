"""The API core every route stands on (api.auth, api.permissions, api.errors, api.base, api.idempotency,
api.throttling): tokens by client credentials, scope and role per route, both error shapes, request ids,
one activity entry per call with the app as actor, Idempotency-Key, the partner's rate limit."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api import idempotency
from api.errors import REST_CODES
from api.models import SCOPES, ApiApp, IdempotentResponse
from api.tasks import idempotency_purge_task
from partnercenter.errors import Code, DomainError
from partnercenter.models import ActivityLog, Membership
from partnercenter.roles import Role
from tests.api_support import READ_SCOPES, api_app, bearer_client, token_for, token_response
from tests.factories import PartnerFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api_test_urls")]

REST, GRAPH = "/api-test/rest/", "/api-test/graph/"


def test_every_domain_code_has_a_rest_number_and_the_scopes_match_the_settings(settings):
    assert set(REST_CODES) == set(Code)
    assert len(set(REST_CODES.values())) == len(REST_CODES)
    assert set(settings.OAUTH2_PROVIDER["SCOPES"]) == set(SCOPES)


def test_a_token_by_client_credentials_reaches_the_route_as_the_apps_partner(partner):
    app, secret = api_app(partner, roles=[Role.ADMIN_AGENT])
    response = token_response(app, secret)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0 and "refresh_token" not in body
    assert set(body["scope"].split()) >= {"customers.read", "customers.write"}
    answer = bearer_client(body["access_token"]).get(REST)
    assert answer.status_code == 200
    assert answer.json() == {"partner": str(partner.pk), "user": app.created_by.email, "roles": ["admin_agent"]}
    app.refresh_from_db()
    assert app.last_used_at is not None


def test_a_wrong_secret_or_an_unknown_scope_gets_no_token(partner):
    app, _secret = api_app(partner, scopes=["customers.read"])
    assert token_response(app, "not-the-secret").status_code == 401
    assert token_response(app, _secret, scope="customers.write").json()["error"] == "invalid_scope"


def test_no_token_or_a_bad_one_is_a_401_in_each_shape(partner):
    for path, shape in ((REST, "rest"), (GRAPH, "graph")):
        for client in (Client(), bearer_client("nonsense")):
            response = client.get(path)
            assert response.status_code == 401 and response["Content-Type"] == "application/json"
            assert response["WWW-Authenticate"].startswith("Bearer")
            body = response.json()
            if shape == "rest":
                assert set(body) >= {"code", "description", "data", "source"} and body["errorName"] == "unauthenticated"
            else:
                assert body["error"]["code"] == "unauthenticated" and body["error"]["message"]


def test_a_read_only_token_cannot_write_and_the_roles_bound_the_route(partner):
    client = bearer_client(token_for(*api_app(partner, scopes=READ_SCOPES)))
    assert client.get(REST).status_code == 200
    refused = client.post(REST, {"name": "x"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["errorName"] == "insufficient_scope"
    helpdesk = bearer_client(token_for(*api_app(partner, roles=[Role.HELPDESK_AGENT])))
    refused = helpdesk.post(GRAPH, {"name": "x"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"


def test_domain_errors_keep_their_code_status_and_field(partner):
    client = bearer_client(token_for(*api_app(partner)))
    conflict = client.post(REST, {"name": "taken"}, content_type="application/json")
    assert conflict.status_code == 409
    assert conflict.json() == {"code": REST_CODES[Code.CONFLICT], "description": "That name is taken.", "data": [],
                               "source": "PartnerCenter", "errorName": "conflict"}
    invalid = client.post(GRAPH, {"name": ""}, content_type="application/json")
    assert invalid.status_code == 400 and invalid.json()["error"]["code"] == "invalid"
    malformed = client.post(REST, "{not json", content_type="application/json")
    assert malformed.status_code == 400 and malformed.json()["errorName"] == "bad_request"


def test_request_ids_are_echoed_and_generated(partner):
    client = bearer_client(token_for(*api_app(partner)))
    response = client.get(REST, headers={"MS-RequestId": "r-1", "MS-CorrelationId": "c-1"})
    assert (response["MS-RequestId"], response["MS-CorrelationId"]) == ("r-1", "c-1")
    assert len(client.get(REST)["MS-RequestId"]) == 36
    response = client.get(GRAPH, headers={"client-request-id": "g-1"})
    assert response["client-request-id"] == "g-1" and response["request-id"]


def test_every_call_and_every_change_name_the_app_as_actor(partner):
    app, secret = api_app(partner)
    client = bearer_client(token_for(app, secret))
    client.get(REST)
    client.post(REST, {"name": "Contoso"}, content_type="application/json")
    calls = ActivityLog.objects.filter(tenant=partner, kind="api.call").order_by("id")
    assert [(c.data["method"], c.data["status"], c.actor_id, c.actor_client) for c in calls] == [
        ("GET", 200, None, app.client_id), ("POST", 201, None, app.client_id)]
    change = ActivityLog.objects.get(tenant=partner, kind="profile.updated")
    assert (change.actor_id, change.actor_client) == (None, app.client_id)


def test_an_idempotency_key_replays_the_first_answer_and_refuses_another_body(partner):
    client = bearer_client(token_for(*api_app(partner)))
    first = client.post(REST, {"name": "A"}, content_type="application/json", headers={"Idempotency-Key": "k1"})
    again = client.post(REST, {"name": "A"}, content_type="application/json", headers={"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 201
    assert json.loads(again.content) == json.loads(first.content) and again["Idempotent-Replayed"] == "true"
    assert ActivityLog.objects.filter(tenant=partner, kind="profile.updated").count() == 1
    other = client.post(REST, {"name": "B"}, content_type="application/json", headers={"Idempotency-Key": "k1"})
    assert other.status_code == 422 and other.json()["errorName"] == "idempotency_key_reused"


def test_only_successes_are_stored(partner):
    codes = (200, 201, 202, 204, 400, 401, 403, 404, 409, 410, 412, 422, 428, 429, 500, 503)
    assert [code for code in codes if idempotency.storable(code)] == [200, 201, 202, 204]
    client = bearer_client(token_for(*api_app(partner)))

    def post(name: str, key: str):  # noqa: ANN202
        return client.post(REST, {"name": name}, content_type="application/json", headers={"Idempotency-Key": key})

    conflict, again = post("taken", "k409"), post("taken", "k409")
    assert conflict.status_code == again.status_code == 409 and not again.has_header("Idempotent-Replayed")
    invalid, again = post("", "k400"), post("", "k400")
    assert invalid.status_code == again.status_code == 400 and not again.has_header("Idempotent-Replayed")
    made, again = post("Fresh", "k201"), post("Fresh", "k201")
    assert made.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert list(IdempotentResponse.objects.values_list("key", "status_code")) == [("k201", 201)]


def test_a_stored_answer_expires_after_api_idempotency_hours_and_the_key_may_be_used_again(partner, settings):
    settings.API_IDEMPOTENCY_HOURS = 24
    app, secret = api_app(partner)
    start = timezone.now()

    def post(name: str):  # noqa: ANN202  (a fresh token each time: the clock moves past a token's life)
        return bearer_client(token_for(app, secret)).post(REST, {"name": name}, content_type="application/json",
                                                          headers={"Idempotency-Key": "k1"})

    with time_machine.travel(start, tick=False):
        assert post("A").status_code == 201
    with time_machine.travel(start + timedelta(hours=23, minutes=59), tick=False):
        assert post("A")["Idempotent-Replayed"] == "true" and post("B").status_code == 422
    with time_machine.travel(start + timedelta(hours=24, seconds=1), tick=False):
        fresh = post("B")
        assert fresh.status_code == 201 and not fresh.has_header("Idempotent-Replayed")
        assert fresh.json()["name"] == "B" and post("B")["Idempotent-Replayed"] == "true"
    assert [entry.data["name"] for entry in ActivityLog.objects.filter(
        tenant=partner, kind="profile.updated").order_by("id")] == ["A", "B"]
    assert json.loads(bytes(IdempotentResponse.objects.get(key="k1").body))["name"] == "B"


def test_the_hourly_purge_deletes_expired_answers_in_batches_and_keeps_fresh_ones(partner, settings):
    settings.API_IDEMPOTENCY_HOURS = 24
    app, _secret = api_app(partner)
    start = timezone.now()

    def store(key: str) -> None:
        IdempotentResponse.objects.create(app=app, key=key, request_digest="d", status_code=201, body=b"{}")

    with time_machine.travel(start - timedelta(hours=30), tick=False):
        for number in range(5):
            store(f"old-{number}")
    with time_machine.travel(start - timedelta(hours=23), tick=False):
        store("recent")
    store("new")
    with CaptureQueriesContext(connection) as queries:
        assert idempotency.purge_expired(batch=2) == 5
    assert sum(query["sql"].startswith("DELETE") for query in queries.captured_queries) == 3
    assert sorted(IdempotentResponse.objects.values_list("key", flat=True)) == ["new", "recent"]
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        assert idempotency_purge_task() == 1  # "recent" is 25 hours old by then
    assert list(IdempotentResponse.objects.values_list("key", flat=True)) == ["new"]
    assert settings.CELERY_BEAT_SCHEDULE["api-idempotency-purge"] == {
        "task": idempotency_purge_task.name, "schedule": timedelta(hours=1)}


def test_a_revoked_app_or_a_deactivated_registrant_stops_at_once(partner):
    app, secret = api_app(partner)
    token = token_for(app, secret)
    Membership.objects.filter(user=app.created_by, tenant=partner).update(is_active=False)
    assert bearer_client(token).get(REST).status_code == 401
    assert token_response(app, secret).status_code in (400, 401)
    Membership.objects.filter(user=app.created_by, tenant=partner).update(is_active=True)
    assert bearer_client(token).get(REST).status_code == 200
    ApiApp.objects.filter(pk=app.pk).update(revoked_at="2026-01-01T00:00:00Z")
    assert bearer_client(token).get(REST).status_code == 401


def test_the_role_an_app_acts_with_is_never_above_the_registrants(partner):
    agent = member(partner, Role.ADMIN_AGENT)
    with pytest.raises(DomainError) as info:
        api_app(partner, registrant=agent, roles=[Role.GLOBAL_ADMIN])
    assert info.value.code == Code.FORBIDDEN and info.value.field == "roles"
    app, _secret = api_app(partner, registrant=agent, roles=[Role.SALES_AGENT])
    assert app.roles == ["sales_agent"]


@override_settings(API_THROTTLE_RATE="3/min")
def test_the_partner_is_throttled_across_its_apps_with_retry_after(partner, clear_cache):
    one = bearer_client(token_for(*api_app(partner)))
    two = bearer_client(token_for(*api_app(partner, name="PSA")))
    assert [one.get(REST).status_code, two.get(REST).status_code, one.get(REST).status_code] == [200, 200, 200]
    refused = two.get(GRAPH)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert refused.json()["error"]["code"] == "throttled"
    other = bearer_client(token_for(*api_app(PartnerFactory())))
    assert other.get(REST).status_code == 200  # another partner counts on its own


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement entry is PostgreSQL's")
def test_an_api_calls_entry_is_one_statement_outside_a_transaction_and_event_record_inside_one():
    from django.db import transaction

    from api.events import ApiEvents
    from partnercenter import events

    partner = PartnerFactory()
    data = {"app": "Billing", "method": "GET", "path": "/v1/customers", "status": 200}
    with CaptureQueriesContext(connection) as queries:
        assert events.event_record_unflushed(tenant=partner, kind=ApiEvents.CALL, actor_client="cid", data=data)
    assert len(queries) == 1
    entry = ActivityLog.objects.get(tenant=partner)
    assert (entry.kind, entry.actor_id, entry.actor_client, entry.data, entry.customer_id) == \
        ("api.call", None, "cid", data, None)
    assert entry.created_at is not None
    with transaction.atomic():  # inside a transaction its setting would outlive the entry: refused
        assert not events.event_record_unflushed(tenant=partner, kind=ApiEvents.CALL, actor_client="cid", data=data)
    seen = []
    events.subscribe(ApiEvents.CALL, seen.append)
    try:  # a subscriber must see the entry: refused, event_record runs it
        assert not events.event_record_unflushed(tenant=partner, kind=ApiEvents.CALL, actor_client="cid", data=data)
    finally:
        events.unsubscribe(ApiEvents.CALL, seen.append)
    assert ActivityLog.objects.filter(tenant=partner).count() == 1
