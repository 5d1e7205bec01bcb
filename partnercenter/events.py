"""Events: the kinds of activity each app declares, and the one way to record one.

Each app declares its kinds in its own ``events.py`` as a subclass of :class:`EventKinds`; the class
statement registers them (the app's ``ready()`` imports the module). ``ActivityLog.kind`` stores the
kind's string value and has no choices, so a new kind needs no migration: labels, descriptions and the
Activity log's filter come from this registry.

:func:`event_record` writes the activity row and, in the same transaction, calls whatever subscribed to
that kind (webhook deliveries, in a later issue). A subscriber that raises rolls the whole event back.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from partnercenter.models import ActivityLog, Tenant, User


class EventKind(str):
    """A kind of event; it *is* its stored value (``"request.accepted"``), with a label and a description.

    ``description`` is a gettext_lazy template filled from the entry's ``data`` in the reader's language.
    """

    label: Any
    description: Any
    name: str

    def __new__(cls, value: str, label: Any, description: Any = None) -> EventKind:
        kind = super().__new__(cls, value)
        kind.label = label
        kind.description = description
        kind.name = ""
        return kind

    @property
    def value(self) -> str:
        return str.__str__(self)

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __reduce__(self) -> tuple[Any, ...]:  # pickles (Celery, caches) as the plain stored string
        return (str, (self.value,))


_KINDS: dict[str, EventKind] = {}
_SUBSCRIBERS: dict[str, list[Callable[..., None]]] = {}
ALL = "*"  # subscribe to every kind


class EventKinds:
    """Subclass in an app's ``events.py``; every :class:`EventKind` attribute is registered."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for attr, kind in vars(cls).items():
            if isinstance(kind, EventKind):
                kind_register(kind, name=attr)


def kind_register(kind: EventKind, *, name: str = "") -> EventKind:
    existing = _KINDS.get(kind.value)
    if existing is not None and existing is not kind and existing.label != kind.label:
        raise ValueError(f"activity kind {kind.value!r} is declared twice")
    if name:
        kind.name = name
    _KINDS[kind.value] = kind
    return kind


def kind_get(value: str) -> EventKind | None:
    return _KINDS.get(str(value))


def kind_by_name(name: str) -> EventKind:
    for kind in _KINDS.values():
        if kind.name == name:
            return kind
    raise AttributeError(name)


def kinds() -> list[EventKind]:
    return list(_KINDS.values())


def kind_label(value: str) -> str:
    kind = _KINDS.get(str(value))
    return str(kind.label) if kind is not None else str(value)


def kind_choices() -> list[tuple[str, Any]]:
    return [(kind.value, kind.label) for kind in _KINDS.values()]


def subscribe(kind: str, subscriber: Callable[..., None]) -> Callable[..., None]:
    """``subscriber(entry)`` runs inside :func:`event_record`'s transaction; ``kind`` may be ``ALL``."""
    handlers = _SUBSCRIBERS.setdefault(str(kind), [])
    if subscriber not in handlers:
        handlers.append(subscriber)
    return subscriber


def unsubscribe(kind: str, subscriber: Callable[..., None]) -> None:
    handlers = _SUBSCRIBERS.get(str(kind), [])
    if subscriber in handlers:
        handlers.remove(subscriber)


# The API app serving the current request (set by api.auth): its events name the app, not a user.
acting_client: contextvars.ContextVar[str] = contextvars.ContextVar("acting_client", default="")


def event_record(
    *,
    tenant: Tenant,
    kind: str,
    actor: User | None = None,
    actor_client: str = "",
    customer: Tenant | None = None,
    data: dict[str, Any] | None = None,
    ip: str | None = None,
    savepoint: bool = True,
) -> ActivityLog:
    """Write the activity row for ``kind`` and run its subscribers, all in one transaction.

    The actor is a user or (``actor_client``, the id of an API client of a later issue) a client;
    neither means the system. ``savepoint=False``: a caller whose own transaction holds nothing else
    (an API call's entry) spares the savepoint's two round trips; a failure then undoes its whole block.
    """
    from partnercenter.models import ActivityLog

    registered = _KINDS.get(str(kind))
    if registered is None:
        raise LookupError(f"unknown activity kind {kind!r}: declare it in the app's events.py")
    if actor is not None and actor.pk and actor_client:
        raise ValueError("an event has one actor: a user or an API client")
    if not actor_client and acting_client.get():
        actor, actor_client = None, acting_client.get()  # the services' acting user is the app's registrant
    with transaction.atomic(savepoint=savepoint):
        entry = ActivityLog.objects.create(
            tenant=tenant,
            kind=registered.value,
            actor=actor if actor is not None and actor.pk else None,
            actor_email=actor.email if actor is not None and actor.pk else "",
            actor_client=actor_client or "",
            customer=customer,
            data=data or {},
            ip_address=ip,
        )
        for subscriber in (*_SUBSCRIBERS.get(registered.value, ()), *_SUBSCRIBERS.get(ALL, ())):
            subscriber(entry)
    return entry


def event_record_unflushed(*, tenant: Tenant, kind: str, actor_client: str, data: dict[str, Any]) -> bool:
    """An API client's bookkeeping entry (an API call) in one statement whose commit does not wait for the
    WAL flush: on PostgreSQL, outside any transaction, and only while no subscriber listens to ``kind``.
    Returns False, writing nothing, when any of that does not hold: the caller then uses event_record.
    A server crash may lose the last fraction of a second of such entries, never a change."""
    from django.db import connection
    from django.db.models.sql import InsertQuery

    from partnercenter.models import ActivityLog

    registered = _KINDS.get(str(kind))
    if registered is None:
        raise LookupError(f"unknown activity kind {kind!r}: declare it in the app's events.py")
    if (connection.vendor != "postgresql" or connection.in_atomic_block or _SUBSCRIBERS.get(ALL)
            or _SUBSCRIBERS.get(registered.value)):
        return False
    entry = ActivityLog(tenant=tenant, kind=registered.value, actor=None, actor_email="", actor_client=actor_client,
                        customer=None, data=data, ip_address=None)
    opts = ActivityLog._meta
    query = InsertQuery(ActivityLog)
    query.insert_values([f for f in opts.local_concrete_fields if f is not opts.auto_field], [entry])
    [(insert, params)] = query.get_compiler(connection=connection).as_sql()
    # One statement is one transaction in autocommit: the local setting holds until its commit.
    with connection.cursor() as cursor:
        cursor.execute(f"WITH entry AS ({insert} RETURNING 1) "  # noqa: S608 (Django's compiled INSERT)
                       "SELECT set_config('synchronous_commit', 'off', true) FROM entry", params)
    return True


def event_record_rows(*, tenant: Tenant, actor: User | None, entries: list[tuple[str, dict[str, Any]]],
                      customer: Tenant | None = None, ip: str | None = None) -> int:
    """:func:`event_record_many` for entries of one tenant, actor, customer and ip, each a (kind, data): the
    same rows in one set-based INSERT (partnercenter.bulkinsert) when no subscriber listens to these kinds;
    with a subscriber, through event_record_many (its subscribers get the rows). Returns how many rows."""
    from partnercenter.bulkinsert import rows_insert
    from partnercenter.models import ActivityLog

    values = []
    for kind, data in entries:
        registered = _KINDS.get(str(kind))
        if registered is None:
            raise LookupError(f"unknown activity kind {kind!r}: declare it in the app's events.py")
        values.append((registered.value, data or {}))
    if _SUBSCRIBERS.get(ALL) or any(_SUBSCRIBERS.get(kind) for kind in {kind for kind, _data in values}):
        event_record_many([{"tenant": tenant, "kind": kind, "actor": actor, "customer": customer, "data": data,
                            "ip": ip} for kind, data in values])
        return len(values)
    client = acting_client.get()
    known = actor is not None and actor.pk and not client
    template = ActivityLog(tenant=tenant, kind="", actor=actor if known else None,
                           actor_email=actor.email if known else "", actor_client=client, customer=customer,
                           data={}, ip_address=ip)
    # One statement is atomic by itself: inside a caller's transaction no savepoint (two round trips) around it.
    with transaction.atomic(savepoint=False):
        rows_insert(ActivityLog, template, ["kind", "data"], values, returning=())
    return len(values)


class CoreEvents(EventKinds):
    TENANT_CREATED = EventKind("tenant.created", _("Tenant created"), _("Tenant %(name)s was created."))
    PROFILE_UPDATED = EventKind(
        "profile.updated", _("Company profile updated"), _("The company profile was updated (%(fields)s).")
    )
    MFA_POLICY = EventKind(
        "tenant.mfa_policy", _("Two-factor authentication policy changed"),
        _("Two-factor authentication is now %(state)s for every user."),
    )


def event_record_many(entries: list[dict[str, Any]], *, savepoint: bool = True) -> list[ActivityLog]:
    """:func:`event_record` for a batch (a bulk job's chunk): one INSERT for every row, then each row's
    subscribers, all in one transaction. Each entry has event_record()'s keyword arguments (tenant, kind
    and optionally actor, customer, data, ip). ``savepoint=False`` as for event_record: a caller that never
    goes on after an error inside its transaction spares the savepoint's two round trips."""
    from partnercenter.models import ActivityLog

    rows = []
    for entry in entries:
        registered = _KINDS.get(str(entry["kind"]))
        if registered is None:
            raise LookupError(f"unknown activity kind {entry['kind']!r}: declare it in the app's events.py")
        actor = entry.get("actor")
        client = acting_client.get()
        known = actor is not None and actor.pk and not client
        rows.append(ActivityLog(
            tenant=entry["tenant"], kind=registered.value, actor=actor if known else None,
            actor_email=actor.email if known else "", actor_client=client, customer=entry.get("customer"),
            data=entry.get("data") or {}, ip_address=entry.get("ip"),
        ))
    with transaction.atomic(savepoint=savepoint):
        ActivityLog.objects.bulk_create(rows, batch_size=1000)
        for row in rows:
            for subscriber in (*_SUBSCRIBERS.get(row.kind, ()), *_SUBSCRIBERS.get(ALL, ())):
                subscriber(row)
    return rows
