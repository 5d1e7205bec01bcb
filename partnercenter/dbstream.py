"""A queryset's rows streamed by PostgreSQL as plain tuples, for the exports (selectors only)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from operator import itemgetter
from typing import Any

from django.db import connections
from django.db.models import QuerySet

from partnercenter.csvexport import EXPORT_CHUNK


def stream_values(queryset: QuerySet, *fields: str, size: int = EXPORT_CHUNK) -> Iterator[tuple]:
    """The rows of queryset.values_list(*fields), as the database writes them (no converters: a jsonb
    column is its text, as Django's psycopg adapters load it), through psycopg's Cursor.stream().

    Why not .iterator(): a server-side cursor answers one FETCH at a time, so PostgreSQL waits while
    Python writes each chunk, and Python while PostgreSQL reads the next; a stream (libpq's chunked
    mode, `size` rows a result) lets PostgreSQL run ahead on the other core while the rows are written,
    holding no more than the socket's buffers. Django has no streaming API, so the SELECT is the
    queryset's own (query.sql_with_params(), the SQL Django would run for it). Where Django puts each
    column is read from the query, not assumed: Django 5.2+ selects in values_list's order and lists
    it in query.selected; older versions put model fields before annotations (the lists their
    ValuesListIterable reordered by). tests/test_csv_exports.py compares the rows with values_list's.
    The connection's execute wrappers see the query, as they see Django's own. While the rows are
    read no other query can run on the connection: look up what the rows need before."""
    query = queryset.values_list(*fields).query
    selected = getattr(query, "selected", None)
    names = list(selected) if selected else [*query.extra_select, *query.values_select, *query.annotation_select]
    sql, params = query.sql_with_params()
    connection = connections[queryset.db]
    with connection.cursor() as wrapper:
        def execute(sql: str, params: Any, many: bool, context: dict) -> Iterator[tuple]:
            return wrapper.cursor.stream(sql, params, size=size)

        run = execute
        for outer in reversed(connection.execute_wrappers):  # as CursorWrapper._execute_with_wrappers
            run = partial(outer, run)
        rows = run(sql, params, False, {"connection": connection, "cursor": wrapper, "streamed": True})
        if names == list(fields):
            yield from rows
        else:
            yield from map(itemgetter(*(names.index(name) for name in fields)), rows)
