"""The shell every page shares: which workspace of the sidebar is current, and the page header.

`{% nav_current as nav %}` names the sidebar entry of the current page (`nav.section`) and says whether
the page is that entry itself (`nav.exact`: marked `aria-current="page"`) or a page inside it (marked
as the current section, `aria-current="true"`).

`{% nav_link key=… href=… label=… icon=… %}` is one entry of the sidebar (marked current when `nav.section`
is its key); the icon's SVG is rendered once per process (`icon_svg`), not once per entry and page.

`{% sidebar_cache %}…{% endsidebar_cache %}` renders the sidebar's entries once per process for each set of
what they depend on (language, URLconf and script prefix, the active tenant's kind and partner type, the
permissions in it, whether the developer outbox is shown, the current entry) and reuses the markup: a role
change changes the permissions and so the key, and shows on the next request. `{% fragment_cache a b %}…
{% endfragment_cache %}` does the same for any markup that depends only on the language and the named
values (a page's header per permissions, a table's head per sort); both share one bounded store.

`{% pageheader %}Title{% primary %}<a …>The one primary action</a>{% secondary %}<a …>…</a>{% endpageheader %}`
renders the page header: the h1, the primary action, the secondary actions in a group that wraps
instead of cutting its labels. `{% primary %}` and `{% secondary %}` are optional."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# view name → sidebar entry. A page not listed belongs to the entry of its namespace, if any.
_EXACT = {
    "customers:list": "customers",
    "invitations:list": "requests",
    "resellers:list": "resellers",
    "resellers:providers": "resellers",
    "subscriptions:offers": "offers",
    "activity_log": "activity",
    "jobs:list": "jobs",
    "gdap:relationships": "gdap_relationships",
    "company_profile": "profile",
    "members:list": "users",
    "dev_outbox": "outbox",
    "admin_center_home": "admin_home",
    "subscriptions:admin_center": "admin_subscriptions",
    "admin_center_activity": "admin_activity",
    "gdap:expiring": "gdap_expiring",
    "gdap:group_list": "security_groups",
    "gdap:template_list": "role_templates",
    "servicerequests:list": "service_requests",
    "servicerequests:admin_center": "admin_service_requests",
    "licenses:admin_center": "admin_licenses",
    "api_access:list": "api_access",
    "offers:trial_list": "advisor_trial",
    "offers:purchase_list": "advisor_purchase",
    "offers:dap_list": "advisor_dap",
}
_SECTION = {
    "company_profile_edit": "profile",
    "company_security": "profile",
    "directory:listing": "profile",
    "dev_outbox_detail": "outbox",
    "partner_request": "admin_home",
    "offers:trial_create": "advisor_trial",
    "offers:purchase_create": "advisor_purchase",
    "offers:dap_create": "advisor_dap",
    "advisor_offer": "admin_home",
    "advisor_offer_accept": "admin_home",
    "offer_acceptance_status": "admin_home",
    "partner_request_accept": "admin_home",
    "partner_request_decline": "admin_home",
    "acceptance_status": "admin_home",
    "admin_center_dap_remove": "admin_home",
    "admin_center_dap_reassign": "admin_home",
    "gdap:approval": "admin_home",
    "gdap:approval_approve": "admin_home",
    "gdap:approval_reject": "admin_home",
    "gdap:customer_approval": "admin_home",
    "gdap:customer_approval_approve": "admin_home",
    "gdap:customer_approval_reject": "admin_home",
    "gdap:customer_terminate": "admin_home",
    "gdap:customer_request": "admin_home",
    "resellers:link": "",
    "gdap:relationships_bulk": "gdap_relationships",
    "gdap:bulk_request": "customers",
    **{f"gdap:group_{name}": "security_groups" for name in ("new", "detail", "edit", "delete", "member_add",
                                                             "member_remove")},
    **{f"gdap:template_{name}": "role_templates" for name in ("new", "detail", "edit", "delete")},
    "licenses:admin_center_subscription": "admin_licenses",
    "servicerequests:admin_center_detail": "admin_service_requests",
}
_NAMESPACE = {"customers": "customers", "invitations": "requests", "resellers": "resellers",
              "subscriptions": "customers", "jobs": "jobs", "gdap": "customers",
              "members": "users", "support": "customers", "customerusers": "customers",
              "servicerequests": "customers", "licenses": "customers", "api_access": "api_access",
              "webhooks": "webhooks", "directory": "resellers"}


@dataclass(frozen=True)
class NavState:
    section: str = ""
    exact: bool = False


@register.simple_tag(takes_context=True)
def nav_current(context: template.Context) -> NavState:
    request: HttpRequest | None = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return NavState()
    name = match.view_name
    if name in _EXACT:
        return NavState(_EXACT[name], True)
    if name in _SECTION:
        return NavState(_SECTION[name], False)
    return NavState(_NAMESPACE.get(match.namespace, ""), False)


_ICONS: dict[tuple[str, int], str] = {}


def icon_svg(name: str, height: int) -> SafeString:
    """A bs_icon template (e.g. "bs_icon/people.svg") rendered at `height`; each once per process."""
    key = (name, height)
    if key not in _ICONS:
        _ICONS[key] = render_to_string(name, {"height": height}).strip()
    return mark_safe(_ICONS[key])  # noqa: S308 (the library's own SVG markup)


def _icon_id(name: str) -> str:
    return "i-" + name.rsplit("/", 1)[-1].removesuffix(".svg")


def icon_use(name: str, height: int) -> str:
    """A bs_icon drawn from the page's sprite (icon_sprite): a few dozen bytes instead of the whole path,
    for icons repeated on every row of a list."""
    icon = _icon_id(name)
    return (f'<svg height="{height}" width="{height}" fill="currentColor" class="bi bi-{icon[2:]}" aria-hidden="true">'
            f'<use href="#{icon}"></use></svg>')


@register.simple_tag
def icon_sprite(*names: str) -> SafeString:
    """The symbols icon_use refers to, once per page (hidden; the sprite itself is never shown)."""
    symbols = []
    for name in names:
        markup = str(icon_svg(name, 16))
        view_box = markup.split('viewBox="', 1)[1].split('"', 1)[0]
        inner = markup.split(">", 1)[1].rsplit("</svg>", 1)[0].strip()
        symbols.append(f'<symbol id="{_icon_id(name)}" viewBox="{view_box}">{inner}</symbol>')
    return mark_safe(  # noqa: S308 (the library's own SVG markup)
        f'<svg class="d-none" aria-hidden="true" focusable="false">{"".join(symbols)}</svg>')


@register.simple_tag(takes_context=True)
def nav_link(context: template.Context, key: str, href: str, label: str, icon: str) -> SafeString:
    nav = context.get("nav") or NavState()
    current = nav.section == key
    aria = format_html(' aria-current="{}"', "page" if nav.exact else "true") if current else ""
    return format_html(
        '<li class="nav-item"><a class="nav-link sidebar-link{}" href="{}"{} data-label="{}">'
        '<span class="sidebar-icon" aria-hidden="true">{}</span><span class="sidebar-label">{}</span></a></li>',
        " active" if current else "", href, aria, label, icon_svg(icon, 18), label)


_FRAGMENTS: dict[tuple, SafeString] = {}
# Keys are few (languages × tenant kinds × role sets × entries × a page's few states); a bound all the same.
_FRAGMENTS_MAX = 2048


def _place() -> tuple:
    """What every cached fragment depends on: the language and where URLs point."""
    return get_language(), settings.ROOT_URLCONF, get_urlconf(), get_script_prefix()


def _memo(key: tuple, render: Callable[[], str]) -> SafeString:
    try:
        html = _FRAGMENTS.get(key)
    except TypeError:  # a value that cannot be a key (a list of objects, say): rendered every time
        return mark_safe(render())  # noqa: S308 (rendered by the template engine)
    if html is None:
        html = mark_safe(render())  # noqa: S308 (rendered by the template engine)
        if len(_FRAGMENTS) >= _FRAGMENTS_MAX:
            _FRAGMENTS.clear()
        _FRAGMENTS[key] = html
    return html


def _cached_nodelist(parser: template.base.Parser, end: str) -> template.NodeList:
    """The enclosed template of a cached fragment. It may hold no {% block %}: a block differs from page
    to page, the fragment is shared. So {% extends %}, which looks for the blocks of the parent on every
    render by walking its whole tree, need not walk into cached fragments (their child_nodelists are
    empty): the sidebar alone was most of base.html's nodes."""
    nodelist = parser.parse((end,))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError(f"{{% {end[3:]} %}} cannot hold a {{% block %}}")
    return nodelist


class SidebarCacheNode(template.Node):
    """The sidebar's markup, rendered once per key (see the module's docstring). The enclosed template may
    use only what the key holds: `active_tenant.is_partner`, `active_tenant.partner_type`,
    `perms_in_tenant`, `dev_outbox_enabled`, `nav`, {% url %} and {% translate %}."""

    child_nodelists = ()  # no {% block %} inside (_cached_nodelist)

    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        tenant = context.get("active_tenant")
        perms = context.get("perms_in_tenant") or frozenset()
        key = (self, *_place(), tenant.is_partner if tenant else None, tenant.partner_type if tenant else None,
               frozenset(perms), bool(context.get("dev_outbox_enabled")), context.get("nav") or NavState())
        return _memo(key, lambda: self.nodelist.render(context))


@register.tag
def sidebar_cache(parser: template.base.Parser, token: template.base.Token) -> SidebarCacheNode:
    return SidebarCacheNode(_cached_nodelist(parser, "endsidebar_cache"))


def _key_value(value: object) -> object:
    if isinstance(value, set | frozenset):
        return frozenset(value)
    if isinstance(value, list):
        return tuple(value)
    return value


class FragmentCacheNode(template.Node):
    """`{% fragment_cache a b.c … %}…{% endfragment_cache %}`: the enclosed markup rendered once per process
    for each language, URL place and set of the named values, then reused. The enclosed template may use
    only those values, {% url %}, {% static %} and {% translate %}: nothing of the user, the session or
    the CSRF token (put those outside). A value that cannot be a key makes it render every time."""

    child_nodelists = ()  # no {% block %} inside (_cached_nodelist)

    def __init__(self, nodelist: template.NodeList, values: list[template.base.FilterExpression]) -> None:
        self.nodelist, self.values = nodelist, values

    def render(self, context: template.Context) -> str:
        key = (self, *_place(), *(_key_value(value.resolve(context)) for value in self.values))
        return _memo(key, lambda: self.nodelist.render(context))


@register.tag
def fragment_cache(parser: template.base.Parser, token: template.base.Token) -> FragmentCacheNode:
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    return FragmentCacheNode(_cached_nodelist(parser, "endfragment_cache"), values)


class PageHeaderNode(template.Node):
    def __init__(self, title: template.NodeList, primary: template.NodeList | None,
                 secondary: template.NodeList | None) -> None:
        self.title, self.primary, self.secondary = title, primary, secondary

    def render(self, context: template.Context) -> str:
        # The parts are rendered by the template engine (escaped there); only the frame is added here.
        title = self.title.render(context).strip()
        primary = self.primary.render(context).strip() if self.primary else ""
        secondary = self.secondary.render(context).strip() if self.secondary else ""
        if secondary:
            secondary = f'<div class="page-secondary">{secondary}</div>'
        actions = f'<div class="page-actions">{primary}{secondary}</div>' if primary or secondary else ""
        return mark_safe(f'<div class="page-header">\n  <h1 class="page-title">{title}</h1>\n  {actions}\n</div>')  # noqa: S308


@register.tag
def pageheader(parser: template.base.Parser, token: template.base.Token) -> PageHeaderNode:
    nodelists: dict[str, template.NodeList] = {}
    current = "title"
    while True:
        nodelist = parser.parse(("primary", "secondary", "endpageheader"))
        nodelists[current] = nodelist
        tag = parser.next_token().contents.strip()
        if tag == "endpageheader":
            break
        if tag in nodelists:
            raise template.TemplateSyntaxError(f"{{% {tag} %}} appears twice in {{% pageheader %}}")
        current = tag
    return PageHeaderNode(nodelists["title"], nodelists.get("primary"), nodelists.get("secondary"))
