"""partnercenter.bulkinsert.rows_insert writes the rows bulk_create would write (the template's columns as save()
prepares them, the varying ones per row, in order, times to the microsecond), and events.event_record_rows the
rows of event_record_many — through event_record_many when a subscriber listens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from invitations.events import RequestEvents
from invitations.models import RelationshipRequest
from links.kinds import link_path, link_paths
from links.tokens import token_new
from partnercenter import events
from partnercenter.bulkinsert import rows_insert
from partnercenter.models import ActivityLog, OutboxEmail

pytestmark = pytest.mark.django_db

SKIP = {"id", "created_at", "updated_at", "email", "token_digest", "token_last4"}


def test_rows_are_those_bulk_create_writes_in_the_order_given(partner, partner_admin):
    now = timezone.now()
    fields = {"partner": partner, "include_dap": True, "created_by": partner_admin, "sent_at": now,
              "sent_by": partner_admin, "expires_at": now + timedelta(days=30)}
    token = token_new()
    RelationshipRequest.objects.bulk_create([RelationshipRequest(email="ref@x.example", token_digest=token.digest,
                                                                 token_last4=token.last4, **fields)])
    tokens = [token_new() for _ in range(5)]
    emails = [f"c{i}@x.example" for i in (4, 1, 3, 0, 2)]
    out = rows_insert(RelationshipRequest, RelationshipRequest(**fields), ["email", "token_digest", "token_last4"],
                      [(e, t.digest, t.last4) for e, t in zip(emails, tokens, strict=True)], returning=("id", "email"))
    assert [email for _pk, email in out] == emails and [pk for pk, _e in out] == sorted(pk for pk, _e in out)
    reference = RelationshipRequest.objects.get(email="ref@x.example")
    for pk, email in out:
        row = RelationshipRequest.objects.get(pk=pk)
        assert row.email == email and row.token_digest == tokens[emails.index(email)].digest
        assert ({k: v for k, v in model_to_dict(row).items() if k not in SKIP}
                == {k: v for k, v in model_to_dict(reference).items() if k not in SKIP})
        assert row.created_at and row.updated_at and row.status == "pending"


def test_varying_times_keep_their_microseconds_and_nothing_comes_back_without_returning(partner):
    at = timezone.now().replace(microsecond=123456)
    template = OutboxEmail(tenant=partner, kind="relationship_request", subject="Hi")
    ids = rows_insert(OutboxEmail, template, ["to_email", "body", "language", "dedupe_key", "send_after"],
                      [("a@x.example", "A", "de", "k:1", at), ("b@x.example", "B", "en", "k:2", None)])
    rows = [OutboxEmail.objects.get(pk=pk) for (pk,) in ids]
    assert [(r.to_email, r.body, r.language, r.send_after, r.status, r.attempts) for r in rows] == [
        ("a@x.example", "A", "de", at, "pending", 0), ("b@x.example", "B", "en", None, "pending", 0)]
    assert rows_insert(OutboxEmail, template, ["to_email", "body"], [("c@x.example", "C")], returning=()) == []
    assert OutboxEmail.objects.filter(to_email="c@x.example", subject="Hi", language="").count() == 1
    assert rows_insert(OutboxEmail, template, ["to_email"], []) == []


def test_event_record_rows_writes_what_event_record_many_writes_and_lets_subscribers_see_them(partner,
                                                                                              partner_admin):
    data = {"last4": "abcd", "email": "a@x.example", "job": "j"}
    events.event_record_rows(tenant=partner, actor=partner_admin,
                             entries=[(RequestEvents.REQUEST_CREATED, data), (RequestEvents.REQUEST_SENT, data)])
    events.event_record_many([{"tenant": partner, "kind": RequestEvents.REQUEST_CREATED, "actor": partner_admin,
                               "data": data}])
    keys = ("tenant_id", "kind", "actor_id", "actor_email", "actor_client", "customer_id", "data", "ip_address",
            "description")
    rows = list(ActivityLog.objects.filter(tenant=partner, kind__startswith="request.").order_by("id").values(*keys))
    assert [r["kind"] for r in rows] == ["request.created", "request.sent", "request.created"]
    assert rows[0] == rows[2] and rows[0]["actor_email"] == partner_admin.email and rows[0]["data"] == data
    seen = []
    events.subscribe(RequestEvents.REQUEST_SENT, seen.append)
    try:
        events.event_record_rows(tenant=partner, actor=None, entries=[(RequestEvents.REQUEST_SENT, data)])
    finally:
        events.unsubscribe(RequestEvents.REQUEST_SENT, seen.append)
    assert [(entry.kind, entry.pk is not None, entry.actor_id) for entry in seen] == [("request.sent", True, None)]
    with pytest.raises(LookupError):
        events.event_record_rows(tenant=partner, actor=None, entries=[("no.such_kind", {})])


def test_link_paths_are_link_path_of_each_token():
    raws = [token_new().raw for _ in range(3)]
    assert link_paths(RelationshipRequest.kind, raws) == [link_path(RelationshipRequest.kind, raw) for raw in raws]
