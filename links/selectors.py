"""Reads every link kind shares."""

from __future__ import annotations

from typing import Any

from links.tokens import email_normalize


def verified_email_matches(*, user: Any, address: str) -> bool:
    """Whether the user has this address, verified, compared after NFKC + casefold (relationship and
    partnership requests addressed by email alike)."""
    from allauth.account.models import EmailAddress

    from partnercenter.sqlcache import shaped_rows

    if user is None or not user.is_authenticated:
        return False
    wanted = email_normalize(address)
    rows = shaped_rows(("verified addresses of a user",),
                       lambda v: EmailAddress.objects.filter(user_id=v["user"], verified=True).values_list("email"),
                       {"user": user.pk})  # compiled once: every answer to an addressed link asks
    return any(email_normalize(value) == wanted for (value,) in rows)
