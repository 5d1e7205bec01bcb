"""The walk of tests/test_languages.py in Hungarian: no English on any page a Hungarian user sees. A file
of its own so that pytest-xdist (a file per worker) runs it beside the German walk."""

from __future__ import annotations

import pytest

from tests.test_languages import _no_rate_limits_from_other_tests, no_english_check  # noqa: F401 (autouse)


@pytest.mark.django_db
def test_no_english_on_any_page_in_hungarian():
    no_english_check("hu")
