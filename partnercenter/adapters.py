from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is never open: people join through an invitation or a partner's link."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
