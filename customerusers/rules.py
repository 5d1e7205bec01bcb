"""The rules of a customer's users (pure functions): what a user name is, which roles there are, and that a
customer keeps a Global admin who can sign in."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

from customers.onboarding import temporary_password  # noqa: F401  (the one generator: Add customer's too)
from partnercenter.domains import InvalidDomain, domain_to_unicode, normalize_domain
from partnercenter.errors import Code, Conflict, Invalid
from partnercenter.roles import Role

ROLES = (Role.CUSTOMER_GLOBAL_ADMIN, Role.CUSTOMER_USER)
LOCAL_MAX = 64  # RFC 5321's local part
ADDRESS_MAX = 254  # User.email

# The local part of an address as Django's EmailValidator accepts it (dot-atom), checked after NFKC and
# casefolding: "Ａnna" typed with a full-width letter is "anna", and lookalike letters of other scripts
# cannot make a second "anna".
_LOCAL = re.compile(r"^[-!#$%&'*+/=?^_`{}|~0-9a-z]+(\.[-!#$%&'*+/=?^_`{}|~0-9a-z]+)*\Z")


def fold(value: str) -> str:
    """The comparison form of a user name: NFKC, then casefolded."""
    return unicodedata.normalize("NFKC", value or "").casefold()


def domains_text(allowed: list[str]) -> str:
    return ", ".join(domain_to_unicode(domain) for domain in allowed)


def user_name_address(*, user_name: str, domain: str, allowed: list[str]) -> str:
    """The stored address (folded local part @ punycode domain) of what was typed: a local part with the
    domain chosen beside it, or a whole address (pasted) whose domain must be one of `allowed` (the customer's
    domains, punycode). Raises Invalid beside the field at fault."""
    text = fold(user_name).strip()
    field = "user_name"
    if "@" in text:
        local, _at, typed_domain = text.rpartition("@")
    else:
        local, typed_domain = text, ""
        field = "domain" if domain else "user_name"
    if not local:
        raise Invalid(_("Enter the user name, the part before the @."), field="user_name")
    if len(local) > LOCAL_MAX or not _LOCAL.match(local):
        raise Invalid(_("Enter a valid user name: letters a–z, digits and . - _ without spaces, for example "
                        "anna.schmidt."), field="user_name")
    try:
        ascii_domain = normalize_domain(typed_domain or domain)
    except InvalidDomain:
        ascii_domain = ""
    if ascii_domain not in allowed:
        raise Invalid(_("Use one of the customer's domains: %(domains)s."), field=field,
                      params={"domains": domains_text(allowed)})
    address = f"{local}@{ascii_domain}"
    if len(address) > ADDRESS_MAX:
        raise Invalid(_("The user name is too long: at most %(max)s characters with the domain."),
                      field="user_name", params={"max": ADDRESS_MAX})
    return address


def check_role(role: str) -> None:
    if role not in ROLES:
        raise Invalid(_("Choose Global admin or User."), field="role")


def check_keeps_global_admin(*, target_roles: set[str], target_active: bool, wanted_role: str | None,
                             blocking: bool = False, deleting: bool = False, other_active_global_admins: int) -> None:
    """A customer keeps at least one Global admin who can sign in: the last one is not demoted, blocked or
    deleted (counted under the tenant row lock by the services)."""
    if not target_active or Role.CUSTOMER_GLOBAL_ADMIN not in target_roles or other_active_global_admins > 0:
        return
    if deleting or blocking or (wanted_role is not None and wanted_role != Role.CUSTOMER_GLOBAL_ADMIN):
        raise Conflict(_("This is the customer's only Global admin who can sign in. Make another user Global "
                         "admin first."), field=None if (deleting or blocking) else "role", code=Code.CONFLICT)
