"""What an API app may be registered with: a name, at least one known scope, and roles the registrant
could grant anyone (members.rules: nobody grants a role above their own); what rotation and revocation
refuse."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from api.models import SCOPES
from members.rules import ROLE_ORDER
from partnercenter.errors import Code, Conflict, Forbidden, Invalid, Stale
from partnercenter.roles import Role

NAME_MAX = 100


def check_app(*, name: str, scopes: Iterable[str], roles: Iterable[str], grantable: set[str]) -> None:
    scopes, roles = list(scopes), list(roles)
    if not name.strip():
        raise Invalid(_("Enter a name for the app."), field="name")
    if len(name) > NAME_MAX:
        raise Invalid(_("Use at most %(max)s characters."), field="name", params={"max": NAME_MAX})
    if not scopes:
        raise Invalid(_("Choose at least one scope."), field="scopes")
    if set(scopes) - set(SCOPES):
        raise Invalid(_("Choose scopes from the list."), field="scopes")
    if not roles:
        raise Invalid(_("Choose at least one role the app acts with."), field="roles")
    if set(roles) - set(ROLE_ORDER):
        raise Invalid(_("Choose roles from the list."), field="roles")
    for role in sorted(set(roles) - grantable, key=ROLE_ORDER.index):
        raise Forbidden(_("The app cannot act with the role %(role)s: your own roles do not include it."),
                        field="roles", params={"role": Role(role).label})


def check_registered_once(*, used: bool) -> None:
    if used:
        raise Conflict(_("This app was registered already; its secret was shown once. Find it on the list, or "
                         "rotate its secret if you did not keep it."), code=Code.ALREADY_ANSWERED)


def check_rotate(*, revoked: bool, version: int, expected_version: int | None) -> None:
    """A revoked app gets no new secret; a rotation asked for on a page opened before the last one is refused
    (reloading the page that showed a new secret must not rotate again)."""
    if revoked:
        raise Conflict(_("This app has been revoked: it gets no new secret."), code=Code.REVOKED)
    if expected_version is not None and expected_version != version:
        raise Stale(_("This app's secret was rotated already; its new secret was shown once. Rotate again if "
                      "you need another one."))


def check_revoke(*, revoked: bool) -> None:
    if revoked:
        raise Conflict(_("This app has been revoked already."), code=Code.REVOKED)


def check_registrant(*, active_member: bool) -> None:
    """The registrant acts for the app: they must be an active member of the partner."""
    if not active_member:
        raise Forbidden(_("The registrant must be an active user of the partner."), field="registrant")
