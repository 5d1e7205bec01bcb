"""Guards for the German and Hungarian catalogs (locale/<lang>/LC_MESSAGES/django.po).

Every entry must be translated, none may be fuzzy, placeholders must survive translation, the compiled
.mo files (built by `make messages`) must match the .po files, and the strings marked in the source must
all be in the catalogs. No database needed. The .po files are read with the small parser below, so the
tests need nothing beyond the standard library and Django.
"""

from __future__ import annotations

import ast
import gettext as gettext_module
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("de", "hu")
SOURCE_DIRS = ("customers", "invitations", "partnercenter", "resellers", "subscriptions", "templates")

# printf-style placeholders as Python's % operator reads them: %(name)s, %(n)d, %s, %d, %%, ...
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index 0 for a singular entry's msgstr
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid[:70]!r}"


def _unquote(text: str) -> str:
    text = text.strip()
    if not (len(text) >= 2 and text[0] == '"' and text[-1] == '"'):
        raise ValueError(f"not a quoted PO string: {text!r}")
    return ast.literal_eval(text)  # PO escapes (\n, \t, \", \\) are a subset of Python's


def parse_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """Return (header fields, entries). Obsolete (#~) entries are skipped."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None  # which field a continuation line belongs to
    pending_flags: set[str] = set()

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                if current is not None and current.msgstr:
                    finish()
                pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            elif current is not None and current.msgstr and not line.startswith("#~"):
                finish()
            continue
        if line.startswith('"'):
            if target is None or current is None:
                raise ValueError(f"{path}:{number}: continuation line outside an entry")
            name, index = target
            value = _unquote(line)
            if name == "msgstr":
                current.msgstr[index] += value
            else:
                setattr(current, name, (getattr(current, name) or "") + value)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and (current is None or current.msgstr):
            finish()
            current = Entry(line=number, flags=pending_flags)
            pending_flags = set()
        if current is None:
            raise ValueError(f"{path}:{number}: {keyword} before msgid")
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(current, keyword, _unquote(rest))
            target = (keyword, 0)
        elif keyword == "msgstr":
            current.msgstr[0] = _unquote(rest)
            target = ("msgstr", 0)
        elif (match := re.fullmatch(r"msgstr\[(\d+)\]", keyword)) is not None:
            index = int(match.group(1))
            current.msgstr[index] = _unquote(rest)
            target = ("msgstr", index)
        else:
            raise ValueError(f"{path}:{number}: unknown keyword {keyword!r}")
    finish()

    if not entries or entries[0].msgid != "":
        raise ValueError(f"{path}: no header entry")
    header_entry, *messages = entries
    header = {}
    for header_line in header_entry.msgstr.get(0, "").splitlines():
        key, _, value = header_line.partition(":")
        header[key.strip()] = value.strip()
    header["_flags"] = ",".join(sorted(header_entry.flags))
    return header, messages


def po_path(lang: str) -> Path:
    return ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"


def placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module", params=LANGS)
def catalog(request):
    lang = request.param
    path = po_path(lang)
    assert path.is_file(), f"{path} is missing: run makemessages -l {lang}"
    header, entries = parse_po(path)
    return lang, header, entries


# --- the parser itself, so a broken parser cannot make the catalog tests pass vacuously ---------------


def test_parser_reads_plural_multiline_and_fuzzy_entries(tmp_path):
    sample = tmp_path / "sample.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Language: xx\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#: a.py:1\n#, python-format\nmsgid ""\n"Hello %(name)s, "\n"welcome"\nmsgstr "Hallo %(name)s, willkommen"\n\n'
        '#, fuzzy\nmsgid "Dog"\nmsgstr "Hund"\n\n'
        'msgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] "%(n)s Tag"\nmsgstr[1] ""\n\n'
        '#~ msgid "Old"\n#~ msgstr "Alt"\n',
        encoding="utf-8",
    )
    header, entries = parse_po(sample)
    assert header["Language"] == "xx"
    assert [e.msgid for e in entries] == ["Hello %(name)s, welcome", "Dog", "%(n)s day"]
    assert entries[0].msgstr == {0: "Hallo %(name)s, willkommen"} and "python-format" in entries[0].flags
    assert "fuzzy" in entries[1].flags and "fuzzy" not in entries[0].flags
    assert entries[2].msgid_plural == "%(n)s days" and entries[2].msgstr == {0: "%(n)s Tag", 1: ""}
    assert placeholders("%(a)s and %(b)d, %s %%") == Counter({"%(a)s": 1, "%(b)d": 1, "%s": 1, "%%": 1})


# --- the catalogs ---------------------------------------------------------------------------------------


def test_header(catalog):
    lang, header, entries = catalog
    assert header.get("Language") == lang
    assert "charset=UTF-8" in header.get("Content-Type", "")
    assert header.get("Plural-Forms", "").replace(" ", "") == "nplurals=2;plural=(n!=1);"
    assert "fuzzy" not in header["_flags"], "remove the header's '#, fuzzy' flag"
    assert len(entries) > 100, "the catalog looks truncated"


def test_every_entry_is_translated(catalog):
    lang, _, entries = catalog
    problems = []
    for entry in entries:
        expected = [0, 1] if entry.msgid_plural is not None else [0]
        if sorted(entry.msgstr) != expected:
            problems.append(f"{entry.label}: msgstr forms {sorted(entry.msgstr)}, expected {expected}")
        problems += [f"{entry.label}: msgstr[{i}] is empty" for i, text in entry.msgstr.items() if not text.strip()]
    assert not problems, f"untranslated entries in {lang}:\n" + "\n".join(problems)


def test_no_entry_is_fuzzy(catalog):
    lang, _, entries = catalog
    fuzzy = [entry.label for entry in entries if "fuzzy" in entry.flags]
    assert not fuzzy, f"fuzzy entries in {lang}:\n" + "\n".join(fuzzy)


def test_placeholders_match(catalog):
    lang, _, entries = catalog
    problems = []
    for entry in entries:
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid_plural]
        if entry.msgid_plural is not None and placeholders(entry.msgid) != placeholders(entry.msgid_plural):
            problems.append(f"{entry.label}: msgid and msgid_plural have different placeholders")
        wanted = placeholders(sources[0])
        for index, text in entry.msgstr.items():
            if placeholders(text) != wanted:
                problems.append(
                    f"{entry.label}: msgstr[{index}] has {sorted(placeholders(text).elements())}, "
                    f"msgid has {sorted(wanted.elements())}"
                )
    assert not problems, f"placeholder mismatches in {lang}:\n" + "\n".join(problems)


def test_leading_and_trailing_newlines_match(catalog):
    lang, _, entries = catalog
    problems = []
    for entry in entries:
        for index, text in entry.msgstr.items():
            if not text:
                continue
            if entry.msgid.startswith("\n") != text.startswith("\n") or entry.msgid.endswith("\n") != text.endswith("\n"):
                problems.append(f"{entry.label}: msgstr[{index}] differs in leading/trailing newline")
    assert not problems, f"newline mismatches in {lang}:\n" + "\n".join(problems)


def test_compiled_catalog_matches_po(catalog):
    """The .mo files are git-ignored and built by `make messages`; a stale one would ship old text."""
    lang, _, entries = catalog
    mo = po_path(lang).with_suffix(".mo")
    assert mo.is_file(), f"{mo} is missing: run `make messages` (manage.py compilemessages)"
    with mo.open("rb") as handle:
        compiled = gettext_module.GNUTranslations(handle)._catalog
    stale = []
    for entry in entries:
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if compiled.get(key) != entry.msgstr.get(0):
                stale.append(entry.label)
        else:
            for index, text in entry.msgstr.items():
                if compiled.get((key, index)) != text:
                    stale.append(f"{entry.label} [{index}]")
    assert not stale, f"{mo} is out of date with the .po; run `make messages`:\n" + "\n".join(stale)


# --- the catalogs cover the source ---------------------------------------------------------------------

TEMPLATE_LITERAL = re.compile(r"""\{%\s*trans(?:late)?\s+(?:"([^"\\]*)"|'([^'\\]*)')""")
TEMPLATE_FILTER_LITERAL = re.compile(r""":_\((?:"([^"\\]*)"|'([^'\\]*)')\)""")
PYTHON_LITERAL = re.compile(r"""(?<![\w.])_\(\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*[,)]""")


def marked_literals() -> dict[str, str]:
    """Single-literal strings marked in templates ({% translate "x" %}, _("x")) and Python (_("x"))."""
    found: dict[str, str] = {}
    for directory in SOURCE_DIRS:
        for path in sorted((ROOT / directory).rglob("*")):
            if path.suffix not in (".py", ".html", ".txt") or "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            patterns = (PYTHON_LITERAL,) if path.suffix == ".py" else (TEMPLATE_LITERAL, TEMPLATE_FILTER_LITERAL)
            for pattern in patterns:
                for match in pattern.finditer(text):
                    literal = match.group(1) if match.group(1) is not None else match.group(2)
                    found.setdefault(literal, str(path.relative_to(ROOT)))
    return found


def test_source_scan_finds_strings():
    found = marked_literals()
    assert found.get("Customers"), "the source scan found nothing: its patterns are broken"
    assert "Anyone with the link" in found and "Request a reseller relationship" in found


def test_every_marked_string_is_in_the_catalog(catalog):
    lang, _, entries = catalog
    msgids = {entry.msgid for entry in entries}
    missing = sorted(f"{where}: {literal!r}" for literal, where in marked_literals().items() if literal not in msgids)
    assert not missing, (
        f"strings marked for translation but missing from {po_path(lang)}; run makemessages (see "
        "Makefile/README) and translate them:\n" + "\n".join(missing)
    )


# --- the compiled catalogs load at run time -------------------------------------------------------------

EXPECTED = {
    "de": {
        "Customers": "Kunden",
        "Request a reseller relationship": "Vertriebspartnerschaft beantragen",
        "Include delegated administration privileges": "Delegierte Administratorberechtigungen einschließen",
    },
    "hu": {
        "Customers": "Ügyfelek",
        "Request a reseller relationship": "Viszonteladói kapcsolat kérése",
        "Include delegated administration privileges": "Delegált rendszergazdai jogosultságok belefoglalása",
    },
}


@pytest.mark.parametrize("lang", LANGS)
def test_runtime_translation(lang):
    assert lang in dict(settings.LANGUAGES)
    with translation.override(lang):
        assert translation.get_language() == lang
        for source, expected in EXPECTED[lang].items():
            assert translation.gettext(source) == expected
    with translation.override("en"):
        assert translation.gettext("Customers") == "Customers"


@pytest.mark.parametrize(
    ("lang", "one", "many"),
    [
        ("de", "Der Link ist 1 Tag gültig.", "Der Link ist 5 Tage gültig."),
        ("hu", "A hivatkozás 1 napig érvényes.", "A hivatkozás 5 napig érvényes."),
    ],
)
def test_runtime_plural(lang, one, many):
    singular, plural = "The link is valid for %(days)s day.", "The link is valid for %(days)s days."
    with translation.override(lang):
        assert translation.ngettext(singular, plural, 1) % {"days": 1} == one
        assert translation.ngettext(singular, plural, 5) % {"days": 5} == many
