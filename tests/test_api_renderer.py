"""api.renderers.JSONRenderer writes the bytes DRF's JSONRenderer writes (orjson for the compact answers,
DRF's encoder for what orjson does not know, DRF's renderer for what only the json module can write)."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid

from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import renderers

from api.renderers import JSONRenderer

ours, drf = JSONRenderer(), renderers.JSONRenderer()

_scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
            | st.text() | st.sampled_from(["\u2028", "a\u2029b", "é ő ß", "\x00\x1f", '"\\'])
            | st.uuids() | st.datetimes(timezones=st.none() | st.timezones()) | st.dates()
            | st.decimals(allow_nan=False, allow_infinity=False, places=2))


def _nested(scalars: st.SearchStrategy) -> st.SearchStrategy:
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
                        | st.dictionaries(st.integers(), inner, max_size=2), max_leaves=20)


_data = _nested(_scalars)


@settings(max_examples=300, deadline=None)
@given(_data)
def test_the_same_bytes_as_drf(data: object) -> None:
    assert ours.render(data) == drf.render(data)


@settings(max_examples=200, deadline=None)
@given(_nested(_scalars | st.floats(allow_nan=False, allow_infinity=False)))
def test_floats_are_the_same_numbers(data: object) -> None:
    """orjson writes a float's shortest form, as json does, but 1.5e-7 where json writes 1.5e-07."""
    written = ours.render(data)
    assert (json.loads(written) if written else None) == (json.loads(drf.render(data)) if written else None)
    assert bool(written) == bool(drf.render(data))


def test_what_drf_encodes_itself() -> None:
    data = {"when": datetime.datetime(2026, 12, 6, 1, 2, 3, 456789, tzinfo=datetime.UTC),
            "naive": datetime.datetime(2026, 12, 6, 1, 2, 3), "day": datetime.date(2026, 12, 6),
            "label": gettext_lazy("Customers"), "id": uuid.UUID(int=7), "amount": decimal.Decimal("1.50"),
            "big": 2**65, 3: "an integer key", "lines": "a\u2028b\u2029c"}
    written = ours.render(data)
    assert written == drf.render(data)
    assert b'"2026-12-06T01:02:03.456789Z"' in written and b"\\u2028" in written


def test_indent_asked_for_is_drf_pretty_print() -> None:
    data = {"a": [1, {"b": "ő"}]}
    assert ours.render(data, "application/json; indent=2") == drf.render(data, "application/json; indent=2")
    assert b"\n" in ours.render(data, "application/json; indent=2")
    assert ours.render(None) == b""
