"""Set-based INSERTs for background jobs: many rows of one model in one statement, with one query parameter.

`rows_insert(Model, template, varying, rows)` writes len(rows) rows: every column but the automatic primary key
and the `varying` fields exactly as bulk_create would write `template` (field.pre_save with add=True, so
auto_now_add and defaults as in Model.save(); the database values computed once, not per row), and the
`varying` fields from `rows`, sent as one JSON document that PostgreSQL unpacks with json_to_recordset. Per row
that is a tuple of plain values instead of a model instance, its fields' prepared values and a bound parameter
each (bench/bulk_mail.py: most of a bulk invitation chunk's time went there). Like bulk_create it sends no
signals and calls no save(). Elsewhere than PostgreSQL it falls back to bulk_create.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import connection, models


def rows_insert(model: type[models.Model], template: models.Model, varying: Sequence[str],
                rows: Sequence[Sequence[Any]], *, returning: Sequence[str] = ("id",)) -> list[tuple]:
    """Insert one row per entry of `rows` (each the values of `varying`, field names, in that order, as the
    database stores them: ids for foreign keys, JSON-ready data for a JSONField); the other columns as
    `template` has them. Returns the `returning` columns of each inserted row, in the order of `rows`."""
    if not rows:
        return []
    opts = model._meta
    changing = [opts.get_field(name) for name in varying]
    if connection.vendor != "postgresql":
        return _fallback(model, template, changing, rows, returning)
    qn = connection.ops.quote_name
    fixed = [f for f in opts.concrete_fields
             if f not in changing and not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))]
    params: list[Any] = []
    select = []
    for field in fixed:
        params.append(field.get_db_prep_save(field.pre_save(template, add=True), connection))
        select.append(f"%s::{field.db_type(connection)}")
    select += [f"v.{qn(f.column)}" for f in changing]
    columns = ", ".join(qn(f.column) for f in (*fixed, *changing))
    record = ", ".join(f"{qn(f.column)} {f.db_type(connection)}" for f in changing)
    names = ", ".join(qn(f.column) for f in changing)
    document = json.dumps([dict(zip([f.column for f in changing], values, strict=True)) for values in rows],
                          default=_json_value)
    params.append(document)
    back = ", ".join(qn(opts.get_field(name).column) for name in returning)
    # WITH ORDINALITY + ORDER BY: the rows are inserted (and their serial ids drawn) in the order given.
    sql = (f"INSERT INTO {qn(opts.db_table)} ({columns}) SELECT {', '.join(select)} "  # noqa: S608 (names only)
           f"FROM ROWS FROM (json_to_recordset(%s::json) AS ({record})) WITH ORDINALITY AS v({names}, _n) "
           f"ORDER BY v._n"
           + (f" RETURNING {back}" if returning else ""))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        out = cursor.fetchall() if returning else []
        inserted = len(out) if returning else cursor.rowcount
    if inserted != len(rows):
        raise RuntimeError(f"{opts.label}: {inserted} rows inserted of {len(rows)}")
    return _in_order(out, returning) if "id" in returning else out


def _json_value(value: Any) -> Any:
    """Dates and times to the microsecond (DjangoJSONEncoder cuts to milliseconds), UUIDs as text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a column value")


def _in_order(out: list[tuple], returning: Sequence[str]) -> list[tuple]:
    """RETURNING follows the insertion order in practice but is not promised: serial ids are, so sort by id."""
    index = list(returning).index("id")
    return sorted(out, key=lambda row: row[index])


def _fallback(model: type[models.Model], template: models.Model, changing: list, rows: Sequence[Sequence[Any]],
              returning: Sequence[str]) -> list[tuple]:
    base = {f.attname: getattr(template, f.attname) for f in model._meta.concrete_fields if not f.primary_key}
    objs = [model(**{**base, **{f.attname: value for f, value in zip(changing, values, strict=True)}})
            for values in rows]
    model.objects.bulk_create(objs, batch_size=1000)
    return [tuple(getattr(obj, model._meta.get_field(name).attname) for name in returning) for obj in objs]
