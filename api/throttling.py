"""500 requests per minute per partner (settings.API_THROTTLE_RATE), counted in the cache (Redis in
production) across all of the partner's apps; over it a 429 with Retry-After (api.errors)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class PartnerRateThrottle(SimpleRateThrottle):
    scope = "partner"

    def get_rate(self) -> str:
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view) -> str | None:  # noqa: ANN001
        app = getattr(request, "api_app", None)
        return None if app is None else f"api-throttle:{app.partner_id}"
