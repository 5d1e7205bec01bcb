"""Every GDAP rule, in one place for the pages, the bulk jobs and (later) the Graph-compatible API.

Each check raises a typed error of partnercenter/errors.py whose `field` is the form field it belongs
beside: display_name, roles, duration, auto_extend, customer (security_group for assignments); a wrong
ETag raises Stale (the caller re-reads and shows the current values).

Decisions where Microsoft's model leaves room (issue 10, "Bad input and rules"):
- Reseller relationship: Microsoft allows GDAP without one. The portal requires an **active reseller
  relationship** between the partner and the named customer for a partner-initiated request: the
  customer's Global admin must already know the partner, and "a customer of another partner" is then
  simply "not your customer". A relationship created without a customer (Graph allows it; the API of a
  later issue) skips this check; whoever approves it binds their organisation, which must still be a
  customer tenant in the partner's cloud.
- Cloud: partner and customer must be in the same cloud (customers.rules); as for DAP, admin permissions
  are not offered in the US Government cloud (Code.US_GOVERNMENT). Region is not re-checked: the reseller
  relationship already required it.
- Duration: ISO 8601 days, weeks or years (`P90D`, `P12W`, `P1Y` = 365 days, `P2Y` = 730 days) and the
  form the msgraph-sdk sends for a Python timedelta (`"730 days, 0:00:00"`, whole days only); months are
  refused (their length is ambiguous). P1D..P730D.
- Auto-extend: `PT0S`/`P0D` (or "", None, False) means none; `P180D` (or True) means 180 days; nothing
  else. Refused (Code.GLOBAL_ADMIN_AUTO_EXTEND) while Global Administrator is among the roles.
- Display name: stripped, 1..50 characters, unique per partner ignoring case, over all its relationships
  (terminated and expired ones included, as in Graph; deleting a `created` one frees its name).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from customers.models import RelationshipStatus as ResellerStatus
from customers.models import ResellerRelationship
from customers.rules import in_us_government_cloud, same_cloud
from gdap.models import AUTO_EXTEND_DURATION, GLOBAL_ADMINISTRATOR_ID, MAX_DURATION, MIN_DURATION, RoleDefinition
from partnercenter.errors import Code, Conflict, Invalid, Stale
from partnercenter.models import Tenant, TenantKind

DISPLAY_NAME_MAX = 50
_ISO_DURATION = re.compile(r"^P(?:(?P<y>\d+)Y)?(?:(?P<m>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
                           r"(?:T(?:(?P<th>\d+)H)?(?:(?P<tm>\d+)M)?(?:(?P<ts>\d+)S)?)?$")
_TIMEDELTA_STR = re.compile(r"^(?:(?P<d>\d+) days?, )?(?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d)$")


def display_name_clean(*, partner: Tenant, value: str, exclude_id: Any = None) -> str:
    """The stripped display name, 1..50 characters and not used by another relationship of the partner."""
    from gdap.models import AdminRelationship

    name = (value or "").strip()
    if not name:
        raise Invalid(_("Enter a display name."), field="display_name")
    if len(name) > DISPLAY_NAME_MAX:
        raise Invalid(_("The display name can have at most %(max)d characters (it has %(length)d)."),
                      field="display_name", params={"max": DISPLAY_NAME_MAX, "length": len(name)})
    taken = AdminRelationship.objects.filter(partner=partner, display_name__iexact=name)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise display_name_taken(name)
    return name


def display_name_taken(name: str) -> Conflict:
    """The partner has a relationship of this name already (checked here, and by the database's unique
    constraint when two requests race)."""
    return Conflict(_("You already have an admin relationship named “%(name)s”. Choose another name."),
                    field="display_name", params={"name": name})


def roles_clean(values: Iterable[Any], *, field: str = "roles", active_only: bool = True) -> list[RoleDefinition]:
    """At least one role; each a known role of the catalog (given as rows, UUIDs or strings), active
    (offered) unless `active_only` is False (an assignment may use a role hidden after its relationship)."""
    wanted: list[uuid.UUID] = []
    for value in values or ():
        raw = value.pk if isinstance(value, RoleDefinition) else value
        try:
            role_id = raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw).strip())
        except (ValueError, AttributeError):
            raise Invalid(_("“%(id)s” is not a role of the catalog."), field=field, params={"id": str(raw)[:60]})
        if role_id not in wanted:
            wanted.append(role_id)
    if not wanted:
        raise Invalid(_("Choose at least one role."), field=field)
    known = RoleDefinition.objects.filter(pk__in=wanted)
    found = {role.pk: role for role in (known.filter(is_active=True) if active_only else known)}
    for role_id in wanted:
        if role_id not in found:
            raise Invalid(_("“%(id)s” is not a role of the catalog."), field=field, params={"id": str(role_id)})
    return [found[role_id] for role_id in wanted]


def roles_subset_check(roles: Iterable[RoleDefinition], allowed: Iterable[RoleDefinition], *,
                       field: str = "roles") -> None:
    """An assignment's roles must be among its relationship's (a template line's among its template's)."""
    allowed_ids = {role.pk for role in allowed}
    outside = sorted(role.name for role in roles if role.pk not in allowed_ids)
    if outside:
        raise Invalid(_("These roles are not part of the admin relationship: %(roles)s."), field=field,
                      params={"roles": ", ".join(outside)})


def duration_parse(value: Any, *, field: str = "duration") -> timedelta:
    """A duration of whole days in P1D..P730D, from a timedelta, a number of days, ISO 8601 or str(timedelta)."""
    if isinstance(value, timedelta):
        duration = value
    elif isinstance(value, int) and not isinstance(value, bool):
        duration = timedelta(days=value)
    else:
        duration = _duration_text(str(value or "").strip(), field=field)
    if duration % timedelta(days=1):
        raise Invalid(_("The duration must be a whole number of days."), field=field)
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise Invalid(_("The duration must be between 1 day and 2 years (730 days)."), field=field)
    return duration


def _duration_text(text: str, *, field: str) -> timedelta:
    malformed = Invalid(_("Enter the duration in days, e.g. P90D (1 day to 2 years)."), field=field)
    match = _ISO_DURATION.match(text.upper())
    if match and text.upper() not in ("P", "PT"):
        parts = {key: int(number) for key, number in match.groupdict().items() if number}
        if parts.get("m"):
            raise malformed  # months have no fixed length
        try:
            return timedelta(days=parts.get("y", 0) * 365 + parts.get("w", 0) * 7 + parts.get("d", 0),
                             hours=parts.get("th", 0), minutes=parts.get("tm", 0), seconds=parts.get("ts", 0))
        except OverflowError:  # more days than a timedelta holds: far outside P1D..P730D anyway
            raise malformed from None
    match = _TIMEDELTA_STR.match(text)
    if match:
        parts = {key: int(number) for key, number in match.groupdict().items() if number}
        try:
            return timedelta(days=parts.get("d", 0), hours=parts["h"], minutes=parts["m"], seconds=parts["s"])
        except OverflowError:
            raise malformed from None
    raise malformed


def duration_iso(duration: timedelta) -> str:
    """Graph's form: whole days as PnD, nothing as PT0S."""
    return f"P{duration.days}D" if duration else "PT0S"


def auto_extend_parse(value: Any, *, field: str = "auto_extend") -> timedelta:
    """None (PT0S/P0D, "", None, False) or 180 days (P180D, True); anything else is refused."""
    if value is None or value is False or value == "":
        return timedelta(0)
    if value is True:
        return AUTO_EXTEND_DURATION
    if isinstance(value, timedelta):
        duration = value
    else:
        try:
            duration = _duration_text(str(value).strip(), field=field)
        except Invalid:
            duration = None
    if duration not in (timedelta(0), AUTO_EXTEND_DURATION):
        raise Invalid(_("Auto-extend is either off (PT0S) or 180 days (P180D)."), field=field)
    return duration


def includes_global_administrator(roles: Iterable[RoleDefinition]) -> bool:
    return any(role.pk == GLOBAL_ADMINISTRATOR_ID for role in roles)


def auto_extend_check(*, roles: Iterable[RoleDefinition], auto_extend: timedelta) -> None:
    if auto_extend and includes_global_administrator(roles):
        raise Invalid(_("Auto-extend is not available while Global Administrator is among the roles."),
                      field="auto_extend", code=Code.GLOBAL_ADMIN_AUTO_EXTEND)


# Why a partner may not ask a customer for an admin relationship: the code of the error a request raises
# and of the skip reason a bulk request records (gdap/jobs.py), with its wording.
CUSTOMER_REFUSALS: dict[Code, Any] = {
    Code.INVALID: _("Choose one of your customers."),
    Code.US_GOVERNMENT: _("Admin relationships are not available in the US Government cloud."),
    Code.CLOUD_MISMATCH: _("%(customer)s is in another cloud than your organisation."),
    Code.NOT_RESELLER: _("%(customer)s is not your customer: an admin relationship needs an active reseller "
                         "relationship."),
}


def customer_refusal(*, partner: Tenant, customer: Tenant | None, is_reseller_customer: bool | None) -> Code | None:
    """None when the partner may ask the customer; else the refusal's code (CUSTOMER_REFUSALS). The
    customer is a customer tenant in the partner's cloud (not US Government) and, unless
    `is_reseller_customer` is None (not required), one of the partner's customers."""
    if customer is None or customer.kind != TenantKind.CUSTOMER:
        return Code.INVALID
    if in_us_government_cloud(partner) or in_us_government_cloud(customer):
        return Code.US_GOVERNMENT
    if not same_cloud(partner, customer):
        return Code.CLOUD_MISMATCH
    if is_reseller_customer is False:
        return Code.NOT_RESELLER
    return None


def customer_check(*, partner: Tenant, customer: Tenant, require_reseller: bool = True) -> None:
    """customer_refusal() as a typed error beside the customer field."""
    served = None
    if require_reseller and customer is not None:
        served = ResellerRelationship.objects.filter(
            partner=partner, customer=customer, status=ResellerStatus.ACTIVE).exists()
    code = customer_refusal(partner=partner, customer=customer, is_reseller_customer=served)
    if code is not None:
        raise Invalid(CUSTOMER_REFUSALS[code], field="customer", code=code,
                      params={"customer": customer.name} if customer is not None else {})


def etag_check(obj: Any, if_match: str | None) -> None:
    """The caller's ETag must be the object's current one (Graph's If-Match; 412 in the API)."""
    if not if_match or if_match.strip() != obj.etag:
        raise Stale(_("Someone else changed this since you opened it. The current values are shown: check them "
                      "and make your change again."))
