"""The default region table: EU/EFTA countries form one region; a few large markets their own.
Operators edit it in Django admin; a country without a row is a region of its own."""

from __future__ import annotations

EU_EFTA = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
    "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",  # EU
    "IS", "LI", "NO", "CH",  # EFTA
]
SINGLE = {
    "US": "United States", "CA": "Canada", "GB": "United Kingdom", "AU": "Australia", "JP": "Japan",
    "CN": "China", "IN": "India", "BR": "Brazil",
}


def regions_seed(region_model, country_region_model) -> None:
    """Idempotent; takes the models so a migration can pass its historical ones."""
    europe, _ = region_model.objects.get_or_create(code="eu-efta", defaults={"name": "EU/EFTA"})
    for country in EU_EFTA:
        country_region_model.objects.get_or_create(country=country, defaults={"region": europe})
    for country, name in SINGLE.items():
        region, _ = region_model.objects.get_or_create(code=country.lower(), defaults={"name": name})
        country_region_model.objects.get_or_create(country=country, defaults={"region": region})
