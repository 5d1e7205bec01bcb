"""Service requests on PostgreSQL: two requests opened at once for the same partner both succeed with
distinct consecutive numbers (the partner's row lock serialises numbering; the unique constraint backs it)."""

from __future__ import annotations

import pytest

from servicerequests import services
from servicerequests.models import ServiceRequest
from tests.concurrency import outcomes, race, require_postgres
from tests.servicerequests_support import open_request, world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.mark.parametrize("existing", [0, 1])
def test_two_concurrent_creates_get_distinct_consecutive_numbers(existing):
    require_postgres()
    w = world(languages=False)
    for _ in range(existing):
        open_request(w, title="Earlier")
    actors = [w.agent, w.helpdesk]

    def create(i: int) -> int:
        return services.service_request_create(partner=w.partner, actor=actors[i], customer=w.customer,
                                               title=f"Concurrent {i}", description="At the same time.",
                                               severity="B", category="email").number

    results = race(2, create)
    assert outcomes(results) == {"ok": 2}, results
    numbers = sorted(value for _kind, value in results)
    assert numbers == [existing + 1, existing + 2]
    assert sorted(ServiceRequest.objects.filter(partner=w.partner, title__startswith="Concurrent")
                  .values_list("number", flat=True)) == numbers
