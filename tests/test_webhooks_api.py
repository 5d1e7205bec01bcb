"""/webhooks/v1/registration: one registration per API app (GET, POST, PUT, DELETE), the event names,
validation events and their delivery attempts; scopes, roles, error shape, other partners' ids → 404."""

from __future__ import annotations

import uuid

import pytest
from standardwebhooks.webhooks import Webhook

from api.errors import REST_CODES
from partnercenter.errors import Code
from partnercenter.models import ActivityLog
from partnercenter.roles import Role
from tests.api_support import READ_SCOPES, api_client
from tests.factories import PartnerFactory
from tests.webhooks_support import dns, hook_receiver, loopback  # noqa: F401  (fixtures)
from webhooks.catalog import EVENT_NAMES
from webhooks.delivery import event_deliver
from webhooks.models import Event, Registration

pytestmark = pytest.mark.django_db
BASE = "/webhooks/v1/registration"


def _json(client, method, path, body=None):  # noqa: ANN001, ANN202
    return getattr(client, method)(path, body if body is not None else "", content_type="application/json")


def test_the_whole_registration_lifecycle_by_api(partner, loopback, hook_receiver):  # noqa: F811
    client, app = api_client(partner)
    assert client.get(BASE).status_code == 404
    assert client.get(BASE + "/events").json() == list(EVENT_NAMES)
    created = _json(client, "post", BASE, {"WebhookUrl": hook_receiver.url(), "WebhookEvents": ["test-created"]})
    assert created.status_code == 201, created.content
    body = created.json()
    secret = body.pop("WebhookSecret")
    registration = Registration.objects.get()
    assert registration.api_app == app and secret == registration.secret
    assert body == {"SubscriberId": str(registration.pk), "WebhookUrl": hook_receiver.url(),
                    "WebhookEvents": ["test-created"], "Status": "active"}
    assert "WebhookSecret" not in client.get(BASE).json()
    again = _json(client, "post", BASE, {"WebhookUrl": hook_receiver.url(), "WebhookEvents": ["test-created"]})
    assert again.status_code == 409 and again.json()["code"] == REST_CODES[Code.CONFLICT]
    updated = _json(client, "put", BASE, {"WebhookUrl": hook_receiver.url("/v2"),
                                          "WebhookEvents": ["subscription-updated", "test-created"]})
    assert updated.status_code == 200 and updated.json()["WebhookEvents"] == ["subscription-updated", "test-created"]

    sent = client.post(BASE + "/validationEvents", content_type="application/json")
    assert sent.status_code == 200
    correlation = sent.json()["correlationId"]
    event = Event.objects.get(uuid=correlation)
    pending = client.get(f"{BASE}/validationEvents/{correlation}").json()
    assert pending["status"] == "pending" and pending["attempts"] == [] and pending["eventName"] == "test-created"
    event_deliver(event_id=event.pk)
    (got,) = hook_receiver.received
    assert got.path == "/v2" and Webhook(secret).verify(got.body, got.headers)["EventName"] == "test-created"
    done = client.get(f"{BASE}/validationEvents/{correlation}").json()
    assert done["status"] == "delivered" and done["webhookId"] == event.webhook_id
    assert [(a["attemptNumber"], a["statusCode"], a["succeeded"]) for a in done["attempts"]] == [(1, 200, True)]

    assert client.delete(BASE).status_code == 204
    assert not Registration.objects.exists() and client.get(BASE).status_code == 404
    calls = ActivityLog.objects.filter(kind="api.call", tenant=partner).count()
    assert calls >= 9 and ActivityLog.objects.filter(kind="webhook.created", actor_client=app.client_id).exists()


def test_bad_bodies_get_400_in_shape_and_nothing_is_saved(partner, dns):  # noqa: F811
    dns["internal.contoso.example"] = ["10.0.0.3"]
    client, _app = api_client(partner)
    for body in ({"WebhookUrl": "http://hooks.example/", "WebhookEvents": ["test-created"]},
                 {"WebhookUrl": "https://internal.contoso.example/", "WebhookEvents": ["test-created"]},
                 {"WebhookUrl": "https://x.example/", "WebhookEvents": []},
                 {"WebhookUrl": "https://x.example/", "WebhookEvents": ["nope"]},
                 {"WebhookEvents": ["test-created"]}, {"WebhookUrl": "x" * 3000, "WebhookEvents": ["test-created"]}):
        response = _json(client, "post", BASE, body)
        assert response.status_code == 400, body
        error = response.json()
        assert set(error) >= {"code", "description", "data", "source"} and error["errorName"] == "invalid"
    assert not Registration.objects.exists()


def test_scopes_and_roles_are_enforced(partner):
    reader, _app = api_client(partner, scopes=READ_SCOPES)
    assert reader.get(BASE + "/events").status_code == 200
    refused = _json(reader, "post", BASE, {"WebhookUrl": "https://x.example/", "WebhookEvents": ["test-created"]})
    assert refused.status_code == 403 and refused.json()["errorName"] == "insufficient_scope"
    agent, _app = api_client(partner, roles=[Role.ADMIN_AGENT])
    assert agent.get(BASE + "/events").status_code == 403
    no_webhooks, _app = api_client(partner, scopes=["customers.write"])
    assert no_webhooks.get(BASE).status_code == 403


def test_another_partners_correlation_ids_and_registration_are_404(partner, loopback):  # noqa: F811
    owner, _app = api_client(partner)
    _json(owner, "post", BASE, {"WebhookUrl": "http://127.0.0.1:9/h", "WebhookEvents": ["test-created"]})
    correlation = owner.post(BASE + "/validationEvents", content_type="application/json").json()["correlationId"]
    for intruder in (api_client(PartnerFactory())[0], api_client(partner, name="Second app")[0]):
        for method, path in (("get", BASE), ("put", BASE), ("delete", BASE), ("post", BASE + "/validationEvents"),
                             ("get", f"{BASE}/validationEvents/{correlation}")):
            response = _json(intruder, method, path, {"WebhookUrl": "https://evil.example/",
                                                      "WebhookEvents": ["test-created"]}
                             if method == "put" else None)
            assert response.status_code == 404, (method, path)
            assert response.json()["code"] == REST_CODES[Code.NOT_FOUND]
    assert owner.get(f"{BASE}/validationEvents/{uuid.uuid4()}").status_code == 404
    assert owner.get("/webhooks/v1/nothing").json()["code"] == REST_CODES[Code.NOT_FOUND]
    assert Registration.objects.get().url == "http://127.0.0.1:9/h" and Event.objects.count() == 1


def test_an_idempotency_key_replays_the_registration_without_storing_its_secret(partner, loopback):  # noqa: F811
    from api.models import IdempotentResponse

    client, _app = api_client(partner)
    body = {"WebhookUrl": "http://127.0.0.1:9/h", "WebhookEvents": ["test-created"]}
    first = client.post(BASE, body, content_type="application/json", headers={"Idempotency-Key": "hook-1"})
    again = client.post(BASE, body, content_type="application/json", headers={"Idempotency-Key": "hook-1"})
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    secret = first.json()["WebhookSecret"]
    assert secret == Registration.objects.get().secret
    assert again.json() == {**first.json(), "WebhookSecret": None}
    stored = bytes(IdempotentResponse.objects.get().body)
    assert secret.encode() not in stored and secret.removeprefix("whsec_").encode() not in stored
