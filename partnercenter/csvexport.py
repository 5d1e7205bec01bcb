"""Streaming CSV downloads that spreadsheet programs open safely."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from itertools import islice

from django.http import StreamingHttpResponse

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Rows per piece of the response (one write of the csv module, one send), and per FETCH of an export's
# server-side cursor (EXPORT_CHUNK): what an export holds at a time, at 1,000 rows as at 200,000.
BATCH_ROWS = 500
EXPORT_CHUNK = BATCH_ROWS


_FORMULA_CHARS = frozenset(_FORMULA_START)  # all one character: a set lookup of the first is the same test


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting like a formula is run by Excel/LibreOffice: company names come from outside.
    return "'" + text if text[:1] in _FORMULA_CHARS else text


def _escaped(row: Iterable[object]) -> list[str]:
    # _cell, with the common case (a str that starts harmlessly) without a call: an export has millions of cells.
    return [value if type(value) is str and value[:1] not in _FORMULA_CHARS else _cell(value) for value in row]


def csv_lines(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The BOM, the header, then the rows in pieces of BATCH_ROWS lines; the rows are read as they go."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield "\ufeff" + buffer.getvalue()  # the BOM lets spreadsheet programs detect UTF-8 (umlauts, accents)
    rows = iter(rows)
    while True:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(map(_escaped, islice(rows, BATCH_ROWS)))  # no list of the piece's rows
        piece = buffer.getvalue()
        if not piece:  # every row writes at least its line end
            return
        yield piece


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[object]]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
