"""The partner-wide list's filters on odd input: digits that are not ASCII ("²", "٣") are no number, so the
list and its export answer as for any unknown filter instead of failing (int("²") raises)."""

from __future__ import annotations

import csv
import io

import pytest

from servicerequests import rules, selectors
from tests.conftest import client_for
from tests.servicerequests_support import open_request
from tests.servicerequests_support import world as _world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _csv_titles(response) -> set[str]:  # noqa: ANN001
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Number", "Title", "Customer"]
    return {row[1] for row in rows[1:]}


@pytest.mark.parametrize("query", ["?assignee=%C2%B2", "?q=%C2%B2", "?q=SR-%C2%B2", "?q=SR-%D9%A3",
                                   "?assignee=%EF%BC%91"])
def test_unicode_digits_are_no_number_on_the_list_and_the_export(query):
    w = _world(languages=False)
    open_request(w, title="Mail flow stopped")
    client = client_for(w.agent)
    listing = client.get("/service-requests/" + query)
    assert listing.status_code == 200
    export = client.get("/service-requests/export.csv" + query)
    assert export.status_code == 200
    titles = _csv_titles(export)
    if "assignee" in query:  # an unknown assignee is ignored: every request
        assert titles == {"Mail flow stopped"} and "Mail flow stopped" in listing.content.decode()
    else:  # a text search for "²" that matches no title or customer
        assert titles == set() and "No service request matches these filters." in listing.content.decode()


@pytest.mark.parametrize("text", ["²", "SR-²", "sr²", "١٢", "１２", "SR-" + "1" * 10, "", "SR-", "-1", "+1", " 1 2"])
def test_parse_reference_takes_only_ascii_digits(text):
    assert rules.parse_reference(text) is None


@pytest.mark.parametrize(("text", "number"), [("SR-000123", 123), ("sr-123", 123), ("123", 123), (" SR7 ", 7),
                                              ("999999999", 999_999_999)])
def test_parse_reference_numbers(text, number):
    assert rules.parse_reference(text) == number


@pytest.mark.parametrize(("value", "kept"), [("²", ""), ("１", ""), ("12", "12"), ("me", "me"), ("none", "none"),
                                             ("1" * 10, "")])
def test_the_assignee_filter_keeps_only_ascii_ids(value, kept):
    assert selectors.Filters.from_query({"assignee": value}).assignee == kept
