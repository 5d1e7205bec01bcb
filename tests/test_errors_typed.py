"""Typed domain errors: every raise carries a code of partnercenter.errors.Code, messages are worded
when read (in the reader's language), and an error no view catches becomes its error page."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from partnercenter import errors
from partnercenter.errors import Code, Conflict, DomainError, Forbidden, NotFound
from partnercenter.urls import urlpatterns as site_urlpatterns

ROOT = Path(__file__).resolve().parent.parent
APPS = ("customers", "invitations", "resellers", "subscriptions", "partnercenter", "links", "gdap", "jobs", "members",
        "support", "servicerequests", "customerusers", "licenses", "api", "webhooks")
CORE_CLASSES = {"DomainError", "NotFound", "Forbidden", "Conflict", "Invalid", "Expired", "Stale"}
# A code that has a class of its own is written with that class ("forbidden" has one spelling: Forbidden).
CLASS_OF_CODE = {Code.NOT_FOUND: "NotFound", Code.FORBIDDEN: "Forbidden", Code.CONFLICT: "Conflict",
                 Code.INVALID: "Invalid", Code.EXPIRED: "Expired", Code.STALE: "Stale"}
EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}
LAZY = {"gettext_lazy", "ngettext_lazy", "pgettext_lazy", "npgettext_lazy"}


def app_modules() -> list[Path]:
    return sorted(p for app in APPS for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _bases(tree: ast.Module) -> dict[str, set[str]]:
    return {node.name: {n for n in map(_name, node.bases) if n} for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)}


def family(trees: dict[str, ast.Module]) -> dict[str, str]:
    """Every DomainError class of the apps by name → the module that defines it."""
    where = dict.fromkeys(CORE_CLASSES, "partnercenter.errors")
    bases = {(module, name): names for module, tree in trees.items() for name, names in _bases(tree).items()}
    changed = True
    while changed:
        changed = False
        for (module, name), names in bases.items():
            if name not in where and names & set(where):
                where[name], changed = module, True
    return where


class _Checker(ast.NodeVisitor):
    """Collects what breaks the rule in one module (see check_source)."""

    def __init__(self, label: str, classes: dict[str, type]) -> None:
        self.label, self.classes, self.problems = label, classes, []
        self.scopes: list[dict[str, str]] = [{}]

    def _imports(self, body: list[ast.stmt]) -> dict[str, str]:
        bound: dict[str, str] = {}
        for node in body:
            for sub in ast.walk(node) if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else ():
                if isinstance(sub, ast.ImportFrom) and sub.module == "django.utils.translation":
                    bound.update({alias.asname or alias.name: alias.name for alias in sub.names})
        return bound

    def visit_Module(self, node: ast.Module) -> None:  # noqa: N802
        self.scopes = [self._imports(node.body)]
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:  # noqa: N802
        self.scopes.append({**self.scopes[-1], **self._imports(node.body)})
        self.generic_visit(node)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    def _say(self, node: ast.AST, what: str) -> None:
        self.problems.append(f"{self.label}:{node.lineno}: {what}")

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802
        name = _name(node.func)
        cls = self.classes.get(name or "")
        if cls is not None:
            self._check(node, name, cls)
        self.generic_visit(node)

    def _check(self, node: ast.Call, name: str, cls: type) -> None:
        code = next((k.value for k in node.keywords if k.arg == "code"), None)
        if code is None:
            fixed = any("default_code" in vars(k) for k in cls.__mro__[: cls.__mro__.index(DomainError)])
            if not fixed:
                self._say(node, f"{name}(...) without code=: pass code=Code.… or raise a class that fixes one")
        elif isinstance(code, ast.Constant):
            self._say(node, f"{name}(..., code={code.value!r}): write the code as Code.<MEMBER>")
        elif isinstance(code, ast.Attribute) and _name(code.value) == "Code":
            if code.attr not in Code.__members__:
                self._say(node, f"Code.{code.attr} is not a member of partnercenter.errors.Code")
            elif name == "DomainError" and Code[code.attr] in CLASS_OF_CODE:
                self._say(node, f"DomainError(code=Code.{code.attr}): raise {CLASS_OF_CODE[Code[code.attr]]}")
        message = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "message"), None)
        if message is not None:
            self._check_message(node, name, message)

    def _check_message(self, node: ast.Call, name: str, message: ast.expr) -> None:
        if isinstance(message, ast.BinOp) and isinstance(message.op, ast.Mod):
            self._say(node, f"{name}: the message is formatted with % when raised; pass params=")
        elif isinstance(message, ast.JoinedStr) or (isinstance(message, ast.Constant) and isinstance(message.value,
                                                                                                    str)):
            self._say(node, f"{name}: the message is a plain string; mark it with gettext_lazy")
        elif isinstance(message, ast.Call):
            func = _name(message.func)
            translated = self.scopes[-1].get(func or "")
            if func == "format" or func == "str":
                self._say(node, f"{name}: the message is worded when raised ({func}()); pass a lazy one")
            elif translated in EAGER:
                self._say(node, f"{name}: the message uses {translated} ({func}), worded in the raiser's language; "
                                "use gettext_lazy")


def check_source(source: str, label: str, classes: dict[str, type]) -> list[str]:
    """The rule for every construction of a DomainError-family class (raised or kept, e.g. returned):
    - DomainError itself passes `code=`; a subclass without `code=` must fix one (`default_code` set on
      it or on a class between it and DomainError, as NotFound … Stale do);
    - `code=`, when written as a literal, is refused: it is `Code.<MEMBER>` of an existing member (or
      a value computed at run time, which DomainError checks), and a code that has a class of its own
      is raised with that class, not as DomainError(code=Code.FORBIDDEN);
    - the message is not worded at raise time: no `%` formatting, f-string, str()/format() call, plain
      string literal or eager gettext — a gettext_lazy text with `params=` (or a lazy value)."""
    checker = _Checker(label, classes)
    checker.visit(ast.parse(source))
    return checker.problems


def _classes() -> dict[str, type]:
    trees = {".".join(p.relative_to(ROOT).with_suffix("").parts): ast.parse(p.read_text(encoding="utf-8"))
             for p in app_modules()}
    found = family(trees)
    return {name: getattr(importlib.import_module(module), name) for name, module in found.items()}


def test_every_domain_error_raised_in_the_apps_carries_a_code():
    classes = _classes()
    # The scan knows the apps' own error classes, each a subclass of a typed one.
    assert {"RequestNotFound", "NotAllowed", "PendingRequestExists", "PartnershipNotFound", "PurchaseRefused",
            "SubscriptionConflict", "RelationshipRemovalBlocked"} <= set(classes)
    assert issubclass(classes["NotAllowed"], Forbidden) and issubclass(classes["PartnershipNotFound"], NotFound)
    problems, seen = [], 0
    for module in app_modules():
        source = module.read_text(encoding="utf-8")
        problems += check_source(source, str(module.relative_to(ROOT)), classes)
        seen += sum(1 for node in ast.walk(ast.parse(source))
                    if isinstance(node, ast.Call) and _name(node.func) in classes)
    assert seen > 80  # the scan sees the raises that are there
    assert problems == []


BAD = '''
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from partnercenter.errors import Code, DomainError, Forbidden

class Mine(DomainError):
    pass

def f(name):
    raise DomainError(gettext_lazy("No code."))
    raise DomainError(gettext_lazy("Old string code."), code="forbidden")
    raise DomainError(gettext_lazy("Class of its own."), code=Code.FORBIDDEN)
    raise DomainError(gettext_lazy("Typo."), code=Code.FORBIDEN)
    raise Mine(gettext_lazy("Fixes no code."))
    raise Forbidden(gettext_lazy("Hello %(name)s") % {"name": name})
    raise Forbidden(_("Eager."))
    raise Forbidden("Not translated.")
    raise Forbidden(f"{name}")

def g():
    from django.utils.translation import gettext_lazy as _

    raise Forbidden(_("Lazy here."))
    raise DomainError(gettext_lazy("Specific %(x)s."), code=Code.REGION_MISMATCH, params={"x": 1})
'''


def test_the_rule_finds_each_kind_of_untyped_raise():
    class Mine(DomainError):
        pass

    classes = {"DomainError": DomainError, "Forbidden": Forbidden, "Mine": Mine}
    problems = check_source(BAD, "bad.py", classes)
    assert [int(p.split(":")[1]) for p in problems] == [10, 11, 12, 13, 14, 15, 16, 17, 18]
    assert "raise Forbidden" in problems[2] and "not a member" in problems[3]


# --- Worded when read ------------------------------------------------------------------------------


def test_a_message_raised_in_german_reads_in_hungarian_under_hungarian():
    from invitations.drafts import MAX_SUBJECT, draft_checked

    with translation.override("de"), pytest.raises(DomainError) as info:
        draft_checked(subject="x" * (MAX_SUBJECT + 1), body="link", link="link")
    assert info.value.code == Code.INVALID and info.value.field == "subject"
    msgid = "The subject can have at most %(n)d characters."
    with translation.override("hu"):
        hungarian = gettext(msgid) % {"n": MAX_SUBJECT}
        assert info.value.message == hungarian
    with translation.override("de"):
        assert info.value.message == gettext(msgid) % {"n": MAX_SUBJECT} != hungarian
    assert info.value.message == msgid % {"n": MAX_SUBJECT}  # English outside any override (the test default)


@pytest.mark.django_db
def test_a_services_error_raised_in_german_is_worded_for_each_reader(partner, partner_admin):
    from customers.services import reseller_relationship_ensure, reseller_relationship_remove
    from tests.factories import TenantFactory

    customer = TenantFactory(name="Contoso")
    reseller_relationship_ensure(partner=partner, customer=customer, actor=partner_admin)
    reseller_relationship_remove(partner=partner, customer=customer, actor=partner_admin, attested=True)
    with translation.override("de"), pytest.raises(Conflict) as info:
        reseller_relationship_remove(partner=partner, customer=customer, actor=partner_admin, attested=True)
    assert info.value.code == Code.ALREADY_REMOVED and info.value.status == 409
    msgid = "The reseller relationship with %(customer)s was removed already."
    for language in ("hu", "de", "en"):
        with translation.override(language):
            assert info.value.message == gettext(msgid) % {"customer": "Contoso"}
    with translation.override("hu"):
        assert str(info.value) != msgid % {"customer": "Contoso"}


@pytest.mark.django_db
def test_a_refusal_raised_at_the_click_is_worded_when_read(partner, partner_admin):
    from invitations import services
    from invitations.refusals import REFUSALS, refusal_text
    from partnercenter.roles import Role
    from tests.factories import TenantFactory, member

    _request, raw = services.invitation_create(partner=partner, actor=partner_admin, include_dap=False)
    american = TenantFactory(country="US")
    with translation.override("de"), pytest.raises(DomainError) as info:
        services.invitation_accept(raw_token=raw, user=member(american, Role.CUSTOMER_GLOBAL_ADMIN),
                                   customer=american)
    assert info.value.code == Code.REGION_MISMATCH
    params = {"partner": partner.name, "partner_country": str(partner.country), "customer_country": "US"}
    with translation.override("hu"):
        assert info.value.message == refusal_text("region", params)
        assert str(REFUSALS["region"])[:20] not in info.value.message


def test_every_stored_refusal_code_has_an_error_code_and_keeps_its_wording():
    """Acceptances and activity entries store the refusal vocabulary ("region", "cloud", "answered" …):
    those rows stay as they are; raising one maps it to a Code."""
    from invitations.refusals import ERROR_CODES, REFUSALS, refusal_error

    assert set(ERROR_CODES) == set(REFUSALS)
    assert ERROR_CODES["region"] == Code.REGION_MISMATCH and ERROR_CODES["cloud"] == Code.CLOUD_MISMATCH
    error = refusal_error("answered")
    assert error.code == Code.ALREADY_ANSWERED and error.message == "This request has already been answered."


# --- An error no view catches ------------------------------------------------------------------------


def _raises(error: DomainError):  # noqa: ANN202
    def view(request):  # noqa: ANN001, ANN202
        raise error

    return view


def _ok(request):  # noqa: ANN001, ANN202
    return HttpResponse("ok")


# The site's own routes too: the error pages link to them.
urlpatterns = [
    path("errors-test/not-found/", _raises(NotFound(gettext_lazy("Not found")))),
    path("errors-test/forbidden/", _raises(Forbidden(gettext_lazy("Your role does not allow this.")))),
    path("errors-test/conflict/", _raises(Conflict(
        gettext_lazy("The reseller relationship with %(customer)s was removed already."), params={"customer": "Contoso"},
        code=Code.ALREADY_REMOVED))),
    path("errors-test/stale/", _raises(errors.Stale(gettext_lazy("The page is out of date. Reload it.")))),
    path("errors-test/ok/", _ok),
    *site_urlpatterns,
]
handler500 = "partnercenter.error_views.server_error"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_the_middleware_turns_uncaught_errors_into_their_pages(client):
    assert client.get("/errors-test/ok/").status_code == 200
    assert client.get("/errors-test/not-found/").status_code == 404
    forbidden = client.get("/errors-test/forbidden/")
    assert forbidden.status_code == 403
    conflict = client.get("/errors-test/conflict/")
    assert conflict.status_code == 409
    assert "The reseller relationship with Contoso was removed already." in conflict.content.decode()
    stale = client.get("/errors-test/stale/")
    assert stale.status_code == 409 and "The page is out of date. Reload it." in stale.content.decode()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_the_error_page_is_worded_in_the_readers_language(client):
    response = client.get("/errors-test/conflict/", HTTP_ACCEPT_LANGUAGE="hu")
    assert response.status_code == 409
    with translation.override("hu"):
        expected = gettext("The reseller relationship with %(customer)s was removed already.") % {
            "customer": "Contoso"}
    assert expected in response.content.decode()
