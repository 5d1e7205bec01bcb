"""The rows of the Customers table, rendered in Python.

This is the hot path of the busiest page (50 rows); the template engine spent most of the request on
it. Every value that comes from data or translations goes through escape() exactly once before it is
placed in the markup. The expanded part of a row (subscriptions, actions) is fetched when the row is
opened, so the list itself never reads subscriptions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape as html_escape

from django import template
from django.urls import reverse
from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext as _

from customers.selectors import relationship_label
from gdap.routes import customer_page_url
from partnercenter.templatetags.shell import icon_sprite, icon_use

register = template.Library()

_DETAILS = (
    '<dl class="row mb-2 small">'
    '<dt class="col-sm-3">{l_tenant}</dt><dd class="col-sm-9"><code>{id}</code></dd>'
    '<dt class="col-sm-3">{l_relationship}</dt><dd class="col-sm-9">{relationship}</dd>'
    '<dt class="col-sm-3">{l_since}</dt><dd class="col-sm-9">{date}</dd>'
    '<dt class="col-sm-3">{l_admin}</dt><dd class="col-sm-9">{dap_long}</dd>'
    '<dt class="col-sm-3">{l_subscriptions}</dt><dd class="col-sm-9">{subscriptions}</dd></dl>'
    '<a class="btn btn-sm btn-outline-primary me-1" href="{base}{id}/account/">{l_account}</a>{actions}'
)


def _escape(text: object) -> str:
    """django.utils.html.escape without its lazy-string wrapper and SafeString (~1 µs a call, and the
    rows make hundreds): the same characters escaped the same way (html.escape, quotes included)."""
    return html_escape(str(text))


def _relationship(row) -> str:  # noqa: ANN001
    return _escape(relationship_label(row))


# Django's date format letters that have a strftime twin; the short date formats of our languages
# ("m/d/Y", "d.m.Y", "Y.m.d.") use nothing else.
_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y"}


_FIELDS = {"d": "{0.day:02d}", "m": "{0.month:02d}", "Y": "{0.year:04d}"}


def short_date_formatter() -> Callable[[datetime], str]:
    """date_format(localtime(value), "SHORT_DATE_FORMAT"), escaped, with the format and time zone of
    this request looked up once: per row, Django's formatter parses the format again (~25 µs). A format of
    day, month, year and separators is a str.format pattern (digits and those separators need no escaping)."""
    fmt = get_format("SHORT_DATE_FORMAT")
    zone = get_current_timezone()
    if all(ch in "dmY" or ch in "./- " for ch in fmt):
        pattern = "".join(_FIELDS.get(ch, ch) for ch in fmt).format
        return lambda value: pattern(value.astimezone(zone))
    if all(ch in _STRFTIME or not (ch.isalpha() or ch in "\\%") for ch in fmt):
        strftime = "".join(_STRFTIME.get(ch, ch) for ch in fmt)
        return lambda value: _escape(value.astimezone(zone).strftime(strftime))
    return lambda value: _escape(dateformat.format(value.astimezone(zone), fmt))


# GDAP beside DAP: one compact badge per non-zero count, the whole summary as the accessible name. Its
# icons and the rows' chevron come from the sprite before the table (row_icon_sprite).
_GDAP_PARTS = (
    ("active", "text-bg-success", ""),
    ("expiring", "text-bg-warning", "bs_icon/hourglass-split.svg"),
    ("pending", "text-bg-secondary", "bs_icon/clock.svg"),
)


ROW_ICONS = ("bs_icon/chevron-right.svg", *(icon for _key, _css, icon in _GDAP_PARTS if icon))


@register.simple_tag
def row_icon_sprite() -> SafeString:
    """The sprite of the icons the rows draw (before the table: an svg may not stand between rows)."""
    return icon_sprite(*ROW_ICONS)


def gdap_words() -> dict[str, str]:
    """The words of gdap_badges in the current language, looked up once for a whole page of rows."""
    return {"active": _("%(count)s active"), "expiring": _("%(count)s expiring"), "pending": _("%(count)s pending"),
            "summary": _("GDAP: %(summary)s")}


def gdap_badges(counts: dict[str, int] | None, customer_id: object, *, link: bool,
                words: dict[str, str] | None = None) -> str:
    """The GDAP part of the "Admin permissions" cell: e.g. GDAP 2 · ⌛1 with the accessible text
    "GDAP: 2 active, 1 expiring", a link to the customer's "Admin relationships" when `link` and that
    page is routed. Empty when the customer has no active, expiring or pending relationship. `words`:
    gdap_words(), when the caller renders many cells."""
    parts = _gdap_parts(counts, words or gdap_words())
    return _gdap_framed(parts, customer_id, link=link) if parts else ""


def _gdap_parts(counts: dict[str, int] | None, words: dict[str, str]) -> tuple[str, str] | None:
    """gdap_badges' badges and accessible text (escaped), which depend on the counts only: None when
    there is nothing to show."""
    if not counts or not any(counts.get(key) for key, _css, _icon in _GDAP_PARTS):
        return None
    spoken, shown = [], []
    for key, css, icon in _GDAP_PARTS:
        count = counts.get(key) or 0
        if not count:
            continue
        spoken.append(words[key] % {"count": count})
        label = f"GDAP {count}" if key == "active" else f"{icon_use(icon, 12)}{count}"
        shown.append(f'<span class="badge {css} ms-1">{label}</span>')
    if not counts.get("active"):
        shown.insert(0, '<span class="badge text-bg-light border ms-1">GDAP</span>')
    shown[0] = shown[0].replace(" ms-1", "", 1)  # the cell puts a space before the first
    text = _escape(words["summary"] % {"summary": ", ".join(spoken)})
    return f'<span aria-hidden="true">{"".join(shown)}</span><span class="visually-hidden">{text}</span>', text


def _gdap_framed(parts: tuple[str, str], customer_id: object, *, link: bool) -> str:
    inner, text = parts
    href = customer_page_url(customer_id) if link else None
    if href:
        return f'<a class="gdap-summary text-decoration-none text-nowrap" href="{href}" title="{text}">{inner}</a>'
    return f'<span class="gdap-summary text-nowrap" title="{text}">{inner}</span>'


@register.simple_tag(takes_context=True)
def customer_rows(context: template.Context, rows: list, gdap_links: bool = False) -> SafeString:
    """The table rows (customers_page(gdap=True): each row's GDAP counts in `row.gdap`); `gdap_links` whether
    the reader may open a customer's admin relationships."""
    base = reverse("customers:list")
    selectable = "gdap.manage" in context.get("perms_in_tenant", ())  # the bulk toolbar's checkboxes
    # Labels with a name: the wording escaped once, the escaped name put in (the same text as escaping
    # the whole label, since escaping replaces characters one by one and the wording keeps its %(name)s).
    select = _escape(_("Select %(name)s"))
    show = _escape(_("Show details for %(name)s"))
    none = _escape(_("None"))
    account = _escape(_("Account"))
    dap_badge = '<span class="badge text-bg-success">DAP</span>'
    none_muted = f'<span class="text-muted">{none}</span>'
    date = short_date_formatter()
    words = gdap_words()
    # The row's state is visible: the chevron points right (▸), turned down (▾) while open (app.css).
    chevron = f'<span aria-hidden="true">{icon_use("bs_icon/chevron-right.svg", 16)}</span>'
    relationships: dict[tuple[str, str], str] = {}  # one label per role and provider a row is reached through
    badges: dict[tuple, tuple[str, str] | None] = {}  # GDAP badges per combination of counts: a page has few
    out = []
    for row in rows:
        customer = row.customer
        kind = (row.via_provider, row.role)
        if kind not in relationships:
            relationships[kind] = _relationship(row)
        cid = str(row.customer_id)
        name = _escape(customer.name)
        label = {"name": name}
        check, spacer = (f'<td><input class="form-check-input" type="checkbox" name="customer" value="{cid}" '
                         f'form="customer-bulk" aria-label="{select % label}"></td>', "<td></td>") \
            if selectable else ("", "")
        counts = row.gdap
        shape = tuple(counts.values()) if counts else ()
        if shape not in badges:
            badges[shape] = _gdap_parts(counts, words)
        gdap = badges[shape]
        if gdap:
            gdap = _gdap_framed(gdap, cid, link=gdap_links)
            dap = f"{dap_badge} {gdap}" if row.has_dap else gdap
        else:
            dap = dap_badge if row.has_dap else none_muted
        # The row, then its collapsed details (fetched when opened). An f-string: str.format with keywords
        # was a third of this loop.
        out.append(
            f'<tr>{check}<td><button class="btn btn-outline-secondary row-toggle" type="button" '
            f'data-bs-toggle="collapse" data-bs-target="#c-{cid}" aria-expanded="false" aria-controls="c-{cid}" '
            f'aria-label="{show % label}">{chevron}</button></td>'
            f"<td>{name}</td><td>{_escape(customer.domain_display)}</td><td>{relationships[kind]}</td>"
            f'<td>{_escape(row.indirect_reseller) or "—"}</td><td>{dap}</td>'
            f'<td class="text-nowrap">{date(row.created_at)}</td></tr>'
            f'<tr class="collapse" id="c-{cid}">{spacer}<td></td><td colspan="6" class="customer-details">'
            f'<div hx-get="{base}{cid}/row/" hx-trigger="intersect once" hx-swap="innerHTML" aria-live="polite">'
            f'<a class="btn btn-sm btn-outline-primary" href="{base}{cid}/account/">{account}</a></div></td></tr>'
        )
    return SafeString("".join(out))


def customer_row_details(row, subscriptions: list, perms: frozenset[str]) -> SafeString:  # noqa: ANN001
    """The expanded part of one row: IDs, relationship, admin permissions, subscriptions, actions."""
    base = reverse("customers:list")
    cid = str(row.customer_id)
    none = escape(_("None"))
    if subscriptions:
        items = []
        for item in subscriptions:
            reseller = f" · {escape(item.reseller)}" if item.reseller else ""
            items.append(f"<li>{escape(item.offer)} × {item.quantity} · {escape(item.status)}{reseller}</li>")
        listing = '<ul class="list-unstyled mb-0">' + "".join(items) + "</ul>"
    else:
        listing = none
    actions = []
    if "support.services" in perms:  # Service management (support/), right after Account
        actions.append(f'<a class="btn btn-sm btn-outline-primary me-1" href="{base}{cid}/services/">'
                       f"{escape(_('Service management'))}</a>")
    if "subscriptions.view" in perms:
        actions.append(f'<a class="btn btn-sm btn-outline-primary me-1" href="{base}{cid}/subscriptions/">'
                       f"{escape(_('Subscriptions'))}</a>")
    if "support.users_view" in perms:
        actions.append(f'<a class="btn btn-sm btn-outline-primary me-1" href="{base}{cid}/users/">{escape(_("Users"))}</a>')
    if "support.licenses" in perms:
        actions.append(f'<a class="btn btn-sm btn-outline-primary me-1" href="{base}{cid}/licenses/">'
                       f"{escape(_('Licenses'))}</a>")
    if "support.service_requests" in perms:
        actions.append(f'<a class="btn btn-sm btn-outline-primary me-1" href="{base}{cid}/service-requests/">'
                       f"{escape(_('Service requests'))}</a>")
    if "gdap.view" in perms:
        actions.append(f'<a class="btn btn-sm btn-outline-primary me-1" href="{reverse("gdap:customer", args=[cid])}">'
                       f"{escape(_('Admin relationships'))}</a>")
    if "subscriptions.buy" in perms:
        actions.append(f'<a class="btn btn-sm btn-primary" href="{base}{cid}/subscriptions/add/">'
                       f"{escape(_('Add subscription'))}</a>")
    return SafeString(_DETAILS.format(
        id=cid,
        base=base,
        l_tenant=escape(_("Tenant ID")),
        l_relationship=escape(_("Relationship")),
        l_since=escape(_("Relationship since")),
        l_admin=escape(_("Admin permissions")),
        l_subscriptions=escape(_("Subscriptions")),
        l_account=escape(_("Account")),
        relationship=_relationship(row),
        date=short_date_formatter()(row.created_at),
        dap_long=escape(_("Delegated admin permissions (DAP)")) if row.has_dap else none,
        subscriptions=listing,
        actions="".join(actions),
    ))
