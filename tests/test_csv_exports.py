"""The CSV exports stream in pieces and read the same as row by row: escaping, BOM, header, the reader's
language (issue 13 §4: the exports at 200k rows, bench/exports.py)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.utils import translation

from partnercenter.activity import describe
from partnercenter.csvexport import BATCH_ROWS, _cell, csv_lines
from partnercenter.events import event_record, kind_label
from partnercenter.models import ActivityKind, ActivityLog
from tests.conftest import client_for


def row_by_row(header: list, rows: list) -> str:
    """What the export wrote before it was batched: one csv.writer line per row, each cell through _cell."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return "\ufeff" + out.getvalue()


def test_pieces_of_many_rows_read_as_row_by_row():
    rows = [[f"=SUM(A{n})", None, n, -n, "a,b", 'say "hi"', "\tx", "line\nbreak", "Müller GmbH", "+1", "@x", "ok"]
            for n in range(BATCH_ROWS * 2 + 7)]
    header = ["Tenant ID", translation.gettext_lazy("Company name")]
    pieces = list(csv_lines(header, iter(rows)))
    assert len(pieces) == 1 + 3  # BOM and header, then three pieces of at most BATCH_ROWS rows
    assert "".join(pieces) == row_by_row(header, rows)
    assert pieces[1].startswith("'=SUM(A0),,0,0,\"a,b\",\"say \"\"hi\"\"\",'\tx,")
    assert "'-1" in pieces[1] and "'+1" in pieces[1] and "'@x" in pieces[1]


def test_no_rows_is_the_header_alone():
    assert list(csv_lines(["A", "B"], [])) == ["\ufeffA,B\r\n"]


@pytest.mark.django_db
def test_activity_export_reads_as_the_page_in_the_readers_language(partner, partner_admin, customer):
    event_record(tenant=partner, kind=ActivityKind.PROFILE_UPDATED, actor=partner_admin,
                 data={"fields": ["legal_name", "phone"]})
    event_record(tenant=partner, kind="relationship.created", customer=customer,
                 data={"partner": partner.name, "customer": customer.name})
    event_record(tenant=partner, kind=ActivityKind.TENANT_CREATED, actor_client="client-7f3a",
                 data={"name": partner.name})
    # Written by PostgreSQL as datetime.isoformat() writes it: without microseconds when there are none.
    ActivityLog.objects.filter(kind="relationship.created").update(created_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
    response = client_for(partner_admin).get("/activity/", {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="de")
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    with translation.override("de"):
        entries = list(ActivityLog.objects.filter(tenant=partner).order_by("-id"))
        expected = [[e.created_at.isoformat(), kind_label(e.kind), e.kind, e.actor_text(),
                     e.customer.name if e.customer else "", describe(e), e.ip_address or ""] for e in entries]
        assert rows[0][0] == translation.gettext("Date")
    assert rows[1:] == expected
    assert [row[0] for row in rows[1:]][1] == "2026-03-01T09:30:00+00:00"
    with translation.override("en"):
        english = describe(entries[-1])
    assert english != expected[-1][5]  # the German words, not the English ones
