"""The CSV exports stream in pieces and read the same as row by row: escaping, BOM, header, the reader's
language (issue 13 §4: the exports at 200k rows, bench/exports.py)."""

from __future__ import annotations

import csv
import io
import json
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


def _whole_entry(kind: str, data: dict) -> str:
    """describe() as it was before Describer put only the named keys into words: the whole entry."""
    from partnercenter.activity import _localise
    from partnercenter.events import kind_get
    from partnercenter.text import sentence

    template = kind_get(kind).description
    try:
        return sentence(str(template) % _localise(data))
    except (KeyError, TypeError, ValueError):
        return kind_label(kind)


@pytest.mark.parametrize("language", ["en", "de", "hu"])
def test_every_kind_reads_as_when_the_whole_entry_was_put_into_words(language):
    from partnercenter.activity import Describer
    from partnercenter.events import kinds

    data = {"fields": ["legal_name", "phone"], "services": ["exchange", "sharepoint"], "offer": "Microsoft 365 E3",
            "to": "", "email": "admin@xn--mller-kva.example", "domain": "xn--mller-kva.example",
            "date": "2026-03-01", "order_id": "0f1e2d3c-aaaa-bbbb-cccc-000000000000", "required": True,
            "job_kind": "bulk_invite", "reason_code": "expired", "reason_params": {}, "partner": "Contoso",
            "customer": "Fabrikam Kft.", "name": "Northwind", "reseller": "Tailspin", "provider": "Litware",
            "app": "CRM sync", "method": "GET", "path": "/v1/customers", "status": 200, "count": 3, "role": "x"}
    words = Describer()
    with translation.override(language):
        described = [kind for kind in kinds() if kind.description is not None]
        assert len(described) > 20
        for kind in described:
            for entry in (data, {}, {"partner": "Contoso"}):
                assert words(kind.value, entry) == _whole_entry(kind.value, entry), kind.value


@pytest.mark.django_db
def test_the_stream_has_values_lists_rows_and_stops_cleanly(partner, partner_admin, customer):
    from partnercenter.dbstream import stream_values
    from partnercenter.selectors import _ISOFORMAT_UTC, ACTIVITY_EXPORT_COLUMNS, activity_for_tenant

    for n in range(5):
        event_record(tenant=partner, kind="relationship.created", customer=customer if n % 2 else None,
                     actor=partner_admin, ip="192.0.2.7" if n % 2 else None,
                     data={"partner": partner.name, "customer": f"c{n}"})
    queryset = activity_for_tenant(tenant=partner).annotate(created_iso=_ISOFORMAT_UTC)
    # Columns in another order than Django selects them, and the annotation in the middle.
    for fields in (ACTIVITY_EXPORT_COLUMNS, ("data", "created_iso", "customer__name", "ip_address", "kind")):
        streamed = [tuple(json.loads(v) if name == "data" else v for name, v in zip(fields, row, strict=True))
                    for row in stream_values(queryset, *fields, size=2)]
        assert streamed == list(queryset.values_list(*fields)) and len(streamed) >= 5
    rows = stream_values(queryset, *ACTIVITY_EXPORT_COLUMNS, size=1)
    next(rows)
    rows.close()  # a download stopped half way: the connection answers the next query
    assert ActivityLog.objects.filter(tenant=partner).count() >= 5
