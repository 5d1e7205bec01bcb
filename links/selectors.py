"""Reads every link kind shares."""

from __future__ import annotations

from typing import Any

from links.tokens import email_normalize


def verified_email_matches(*, user: Any, address: str) -> bool:
    """Whether the user has this address, verified, compared after NFKC + casefold (relationship and
    partnership requests addressed by email alike)."""
    from allauth.account.models import EmailAddress

    if user is None or not user.is_authenticated:
        return False
    wanted = email_normalize(address)
    return any(
        email_normalize(value) == wanted
        for value in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )
