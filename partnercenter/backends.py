"""Authentication backends that load the signed-in user together with its memberships.

Every page needs both: the user (Django's session check) and the user's active memberships with
their tenants (partnercenter.middleware.ActiveTenantMiddleware). One query instead of two, on every
request of every signed-in partner or customer user."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from partnercenter.domains import email_to_ascii
from partnercenter.selectors import memberships_of_user


class MembershipsWithUserMixin:
    def get_user(self, user_id: Any):  # noqa: ANN201 — returns the user model or None, like Django
        try:
            memberships = list(memberships_of_user(user_id=user_id).select_related("user"))
        except (ValueError, TypeError):  # a session holding something that is no user id
            return None
        if not memberships:  # operators and users without an organisation
            user = super().get_user(user_id)  # type: ignore[misc]
            if user is not None:
                user.loaded_memberships = []
            return user
        user = memberships[0].user
        for membership in memberships:
            membership.user = user
        user.loaded_memberships = memberships
        return user if self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class ModelBackend(MembershipsWithUserMixin, DjangoModelBackend):
    """Django's backend (username and password)."""


class EmailBackend(MembershipsWithUserMixin, AllauthBackend):
    """django-allauth's backend (sign-in by email)."""

    def authenticate(self, request: Any, **credentials: Any):  # noqa: ANN201
        # People read addresses in Unicode (admin@müller.example) and may type them so; stored
        # addresses of an IDN domain are punycode.
        for key in ("email", "username"):
            if isinstance(credentials.get(key), str):
                credentials[key] = email_to_ascii(credentials[key])
        return super().authenticate(request, **credentials)
