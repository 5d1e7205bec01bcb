"""Compiled SQL of the busiest list queries: built once per process for each shape, then only filled in.

Building and compiling the Customers page's queryset (its annotations and scalar subqueries) costs more
CPU than PostgreSQL spends running it. The *shape* of such a query (its joins, subqueries, conditions
and order) follows from a few choices: the sort, the direction, the partner's type, whether there is a
search or a cursor. The *values* (the partner's id, the search term, the cursor's position) only fill
its parameters. So `shaped_rows` builds and compiles the queryset once per shape with stand-in values,
remembers where each stand-in landed in the parameter list, and for every call puts that call's values
in their places. Django still converts the rows (the compiler's converters, kept from the compile).

A stand-in must reach the parameters as it is, or escaped for LIKE as Django escapes a `contains` or
`startswith` value; anything else (a value written into the SQL text, a value Django transformed) is
refused when the shape is compiled, and such a query is simply run through Django every time. A value
of None is part of the shape (it usually removes a condition). With settings.SQLCACHE_VERIFY (on in
the tests) every call is also compiled afresh and must give the same SQL and parameters.
"""

from __future__ import annotations

import functools
import logging
import secrets
import threading
import uuid
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import NotSupportedError, connections
from django.db.models import QuerySet

logger = logging.getLogger(__name__)

Build = Callable[[Mapping[str, Any]], QuerySet]


class Uncacheable(Exception):
    """The queryset's values do not all reach its parameters unchanged."""


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple[tuple[int, str, str, str], ...]  # (parameter index, value name, stand-in, how: "raw" | "like")
    convert: Callable[[list], Any] | None  # the compiler's converters applied to fetched rows, if it has any
    compiler: Any  # the compiled query's compiler: what shaped_objects needs to make model instances
    plan: dict = field(default_factory=dict, compare=False)  # shaped_objects' column names and populators


_cache: dict[Hashable, _Compiled | None] = {}
_lock = threading.Lock()


def _standin(value: Any) -> Any:
    """A value of the same type that cannot occur in the query by chance. A text stand-in ends in "%", so
    that Django's LIKE escaping of it ("\\%") shows where it was used as a pattern."""
    if isinstance(value, bool) or value is None:
        raise Uncacheable("booleans and None are part of the shape, not values")
    if isinstance(value, str):
        return f"sq{secrets.token_hex(8)}%"
    if isinstance(value, uuid.UUID):
        return uuid.uuid4()
    if isinstance(value, int):
        return 10**15 + secrets.randbelow(10**14)
    if isinstance(value, datetime):
        return datetime(1999, 1, 1, tzinfo=UTC) + timedelta(microseconds=secrets.randbelow(10**12))
    raise Uncacheable(f"no stand-in for {type(value).__name__}")


def tenant_ref(tenant_id: Any, *, like: Any) -> Any:
    """A tenant that only names itself (its id, kind and partner type, those of `like`), for building a
    query from stand-in ids."""
    from partnercenter.models import Tenant

    ref = Tenant(id=tenant_id, kind=like.kind, partner_type=like.partner_type)
    ref._state.adding = False
    return ref


def _like(value: str, connection: Any) -> str:
    return connection.ops.prep_for_like_query(value)


def _compile(build: Build, values: Mapping[str, Any], using: str) -> _Compiled:
    connection = connections[using]
    standins = {name: None if value is None else _standin(value) for name, value in values.items()}
    compiler = build(standins).query.get_compiler(using)
    sql, params = compiler.as_sql()
    slots, found = [], set()
    for index, param in enumerate(params):
        for name, standin in standins.items():
            if standin is None:
                continue
            if isinstance(standin, str) and isinstance(param, str):
                if standin in param:
                    slots.append((index, name, standin, "raw"))
                elif _like(standin, connection) in param:
                    slots.append((index, name, _like(standin, connection), "like"))
                else:
                    continue
                if param.count(standin.rstrip("%")) != 1:  # two values in one parameter: not supported
                    raise Uncacheable(f"parameter {index} holds {name} more than once")
                found.add(name)
                break
            if type(param) is type(standin) and param == standin:
                slots.append((index, name, standin, "raw"))
                found.add(name)
                break
        else:
            if isinstance(param, str) and "sq" in param and any(
                    isinstance(s, str) and s.rstrip("%") in param for s in standins.values()):
                raise Uncacheable(f"parameter {index} holds a transformed value")
    for name, standin in standins.items():
        token = str(standin).rstrip("%") if standin is not None else None
        if token and token in sql:
            raise Uncacheable(f"{name} is written into the SQL text")
        if standin is not None and name not in found:
            raise Uncacheable(f"{name} does not reach the parameters unchanged")
    columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
    converters = compiler.get_converters(columns)
    convert = (lambda rows: list(map(tuple, compiler.apply_converters(rows, converters)))) if converters else None
    return _Compiled(sql, tuple(params), tuple(slots), convert, compiler)


def _filled(compiled: _Compiled, values: Mapping[str, Any], using: str) -> list:
    params = list(compiled.params)
    connection = connections[using]
    for index, name, standin, how in compiled.slots:
        value = values[name]
        if isinstance(params[index], str) and isinstance(standin, str):
            params[index] = params[index].replace(standin, _like(value, connection) if how == "like" else value)
        else:
            params[index] = value
    return params


def _compiled(key: Hashable, build: Build, values: Mapping[str, Any], using: str) -> _Compiled | None:
    shape = (key, using, tuple(sorted(name for name, value in values.items() if value is None)))
    try:
        return _cache[shape]
    except KeyError:
        pass
    try:
        compiled = _compile(build, values, using)
    except Uncacheable:
        compiled = None
    with _lock:
        _cache[shape] = compiled
    return compiled


def shaped_sql(key: Hashable, build: Build, values: Mapping[str, Any], *, using: str = "default") -> tuple[str, list] | None:
    """The SQL and parameters of build(values), from the shape's compiled SQL; None when the shape
    cannot be cached (then run build(values) through Django). `key` names the shape: every choice that
    changes the query's structure must be in it; which values are None is added here."""
    compiled = _compiled(key, build, values, using)
    return None if compiled is None else _checked(compiled, key, build, values, using)


def _checked(compiled: _Compiled, key: Hashable, build: Build, values: Mapping[str, Any], using: str) -> tuple[str, list]:
    sql, params = compiled.sql, _filled(compiled, values, using)
    if getattr(settings, "SQLCACHE_VERIFY", False):
        fresh_sql, fresh_params = build(values).query.get_compiler(using).as_sql()
        if (fresh_sql, list(fresh_params)) != (sql, params):
            raise AssertionError(f"sqlcache: shape {key!r} compiled differently for {dict(values)!r}:\n"
                                 f"{fresh_sql} {fresh_params!r}\nagainst\n{sql} {params!r}")
    return sql, params


def shaped_rows(key: Hashable, build: Build, values: Mapping[str, Any], *, using: str = "default") -> list[tuple]:
    """The rows (tuples, in the order of the queryset's values_list) of build(values), compiled once per
    shape (shaped_sql); a shape that cannot be cached runs through Django."""
    compiled, rows = _fetched(key, build, values, using)
    if compiled is None:
        return rows
    return compiled.convert(rows) if compiled.convert else rows


def _fetched(key: Hashable, build: Build, values: Mapping[str, Any], using: str) -> tuple[_Compiled | None, list]:
    """The shape and its raw rows; (None, the queryset's own results) for a shape that cannot be cached."""
    compiled = _compiled(key, build, values, using)
    if compiled is None:
        return None, list(build(values))
    connection = connections[using]
    if (compiled.compiler.query.select_for_update and connection.features.has_select_for_update
            and connection.get_autocommit()):
        # Django refuses this while compiling (where the database can lock rows); a shape compiled once must
        # refuse it on every call.
        from django.db.transaction import TransactionManagementError

        raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
    sql, params = _checked(compiled, key, build, values, using)
    try:
        return compiled, _run(sql, params, using)
    except NotSupportedError as exc:
        if not _stale_plan(exc):
            raise
        if connection.in_atomic_block:  # the transaction is aborted: nothing more can run on it
            connection.close_at = 0  # closed when the request or task ends (close_if_unusable_or_obsolete)
            raise
        logger.info("sqlcache: a table changed under the prepared statements of this connection; preparing again")
        with connection.wrap_database_errors:
            connection.connection.execute("DEALLOCATE ALL")  # psycopg forgets its prepared statements with it
        return compiled, _run(sql, params, using)


def _run(sql: str, params: list, using: str) -> list:
    with _cursor(using) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _stale_plan(exc: Exception) -> bool:
    """PostgreSQL refusing a prepared statement whose table changed under it (a migration altered or
    re-created a column it reads, on another connection): "cached plan must not change result type",
    raised by RevalidateCachedQuery on every later run of that statement on this connection. Recognised
    by its SQLSTATE and source function, which, unlike the message, are not translated."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    return getattr(cause, "sqlstate", None) == "0A000" and getattr(diag, "source_function", None) == "RevalidateCachedQuery"


def _cursor(using: str) -> Any:
    """A cursor for a compiled shape. On PostgreSQL with prepared statements allowed (the connection's
    prepare_threshold, settings.DATABASE_PREPARED_STATEMENTS), one that binds its parameters on the server,
    so psycopg prepares the shape's statement after a few runs and PostgreSQL stops planning it on every
    call; Django's own cursors bind on the client and never prepare. The cursor is wrapped as Django wraps
    its own (query logging, execute wrappers, error translation)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor
    from django.db.backends.utils import CursorWrapper

    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = ServerBindingCursor(raw)
    return (_logged_cursor_class() if connection.queries_logged else CursorWrapper)(cursor, connection)


@functools.cache
def _logged_cursor_class() -> type:
    """Django's debug cursor, logging the statement with its values: a prepared statement leaves psycopg
    no query text for Django to read back (last_executed_query would log None)."""
    from django.db.backends.postgresql.base import CursorDebugWrapper
    from django.db.backends.utils import CursorWrapper

    class PreparedDebugCursor(CursorDebugWrapper):
        def execute(self, sql: str, params: Any = None) -> Any:
            with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
                return CursorWrapper.execute(self, sql, params)

    return PreparedDebugCursor


def shaped_objects(key: Hashable, build: Build, values: Mapping[str, Any], *, using: str = "default") -> list:
    """The model instances of build(values), a queryset of model rows (select_related followed, no
    deferred fields, no prefetches), made from the shape's compiled SQL as Django's ModelIterable makes them."""
    from django.db.models.query import get_related_populators

    compiled, rows = _fetched(key, build, values, using)
    if compiled is None:
        return rows
    plan = compiled.plan
    if not plan:  # once per shape: RelatedPopulator keeps no state between rows or calls
        compiler = compiled.compiler
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        plan.update(model=klass_info["model"], start=start, end=end, annotations=compiler.annotation_col_map or {},
                    names=[column[0].target.attname for column in select[start:end]],
                    populators=get_related_populators(klass_info, select, using))
    model, start, end, names = plan["model"], plan["start"], plan["end"], plan["names"]
    populators, annotations = plan["populators"], plan["annotations"]
    objects = []
    for row in compiled.convert(rows) if compiled.convert else rows:  # the compiler's converters, as results_iter
        obj = model.from_db(using, names, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for name, position in annotations.items():
            setattr(obj, name, row[position])
        objects.append(obj)
    return objects


def shaped_first(key: Hashable, build: Build, values: Mapping[str, Any], *, using: str = "default") -> Any:
    """The first model instance of build(values) (a queryset sliced to its first row), or None: shaped_objects
    for a look-up of one row."""
    found = shaped_objects(key, build, values, using=using)
    return found[0] if found else None
