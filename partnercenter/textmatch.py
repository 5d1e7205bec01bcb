"""Case-insensitive matching is Unicode case-insensitive on every database.

PostgreSQL's UPPER() maps every cased letter (Ü/ü, Ő/ő, Σ/σ/ς) one character to one character, and
Django's i-lookups (icontains, istartswith, iendswith, iexact) are UPPER(col) LIKE UPPER(pattern)
there: the trigram indexes on UPPER(column) serve them and the plans stay exactly what they are.
SQLite's LIKE folds ASCII letters only, so "MÜLLER" missed "Müller". On SQLite the same lookups call
`pc_fold()`, a function registered on every new connection that maps characters the way
PostgreSQL's UPPER() does, so both databases find the same rows. Nothing is stored twice.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field
from django.db.models.lookups import IContains, IEndsWith, IExact, IStartsWith

SQLITE_FOLD = "pc_fold"


def fold(value: Any) -> str | None:
    """Upper case, one character to one character (what PostgreSQL's UPPER() does): "ß" stays "ß"
    rather than becoming "SS", so SQLite never matches where PostgreSQL would not."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    if text.isascii():
        return text.upper()
    return "".join(up if len(up := ch.upper()) == 1 else ch for ch in text)


def sqlite_functions_register(dbapi_connection: Any) -> None:
    """Give a sqlite3 connection the functions our lookups use (also used by tests directly)."""
    dbapi_connection.create_function(SQLITE_FOLD, 1, fold, deterministic=True)


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        sqlite_functions_register(connection.connection)


class _FoldedOnSQLite:
    """as_sqlite(): fold both sides. Every other database keeps Django's own SQL."""

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, tuple]:
        if not self.rhs_is_direct_value() or self.bilateral_transforms:  # type: ignore[attr-defined]
            return self.as_sql(compiler, connection)  # type: ignore[attr-defined]
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)  # type: ignore[attr-defined]
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)  # type: ignore[attr-defined]
        return (f"{SQLITE_FOLD}({lhs_sql}) LIKE {SQLITE_FOLD}({rhs_sql}) ESCAPE '\\'",
                (*lhs_params, *rhs_params))


class UnicodeIContains(_FoldedOnSQLite, IContains):
    pass


class UnicodeIStartsWith(_FoldedOnSQLite, IStartsWith):
    pass


class UnicodeIEndsWith(_FoldedOnSQLite, IEndsWith):
    pass


class UnicodeIExact(_FoldedOnSQLite, IExact):
    pass


def lookups_register() -> None:
    """Replace Django's i-lookups for every field (same names, same SQL outside SQLite)."""
    for lookup in (UnicodeIContains, UnicodeIStartsWith, UnicodeIEndsWith, UnicodeIExact):
        Field.register_lookup(lookup)
