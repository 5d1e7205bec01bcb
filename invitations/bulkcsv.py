"""The CSV of "Invite many customers": read the upload (size, UTF-8 with or without BOM, `;` or `,`,
the row limit) and check every row before anything is sent — the shape of Zulip's do_invite_users:
validate all, collect per-row errors, enforce a limit. A bad file is an Invalid error beside the
file field; a bad row is a (line, email, code) in the rejected list, worded when shown (REASONS)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from links.services import email_checked
from partnercenter.errors import DomainError, Invalid
from partnercenter.models import Tenant

FORMULA_START = frozenset("=+-@")
LANGUAGES = ("de", "en", "hu")
HEADER_WORDS = frozenset({"email", "e-mail", "email address", "e-mail-adresse", "e-mail cím", "email cím"})

# Why a row is not sent, by code (stored in BulkInvitation.rejected, worded in the reader's language).
REASONS = {
    "email": _("This is not a valid email address."),
    "duplicate": _("This email address is in the file more than once; only its first row is sent."),
    "customer": _("This address belongs to one of your customers already."),
    "pending": _("A pending request to this address exists already."),
    "formula": _("A cell starts like a spreadsheet formula (=, +, - or @)."),
    "language": _("The language must be de, en or hu (or empty)."),
    "columns": _("A row has at most three cells: email, company name, language."),
}


@dataclass
class Checked:
    rows: list[list] = field(default_factory=list)  # [line, email, company, language]
    rejected: list[list] = field(default_factory=list)  # [line, email as written, code]


def read_upload(upload: object) -> list[tuple[int, list[str]]]:
    """The file's non-empty rows with their line numbers, or Invalid: too large, not CSV, not UTF-8,
    more rows than allowed. The size is checked before the content is read."""
    limit = settings.BULK_INVITATION_MAX_BYTES
    name = str(getattr(upload, "name", "") or "")
    if (getattr(upload, "size", 0) or 0) > limit:
        raise Invalid(_("The file is larger than %(mb)s MB. Split it into smaller files."), field="file",
                      params={"mb": round(limit / (1024 * 1024), 1)})
    if not name.lower().endswith((".csv", ".txt")):
        raise Invalid(_("This is not a CSV file. Upload a .csv file saved as “CSV UTF-8”."), field="file")
    raw = upload.read(limit + 1)  # type: ignore[attr-defined]
    if len(raw) > limit:
        raise Invalid(_("The file is larger than %(mb)s MB. Split it into smaller files."), field="file",
                      params={"mb": round(limit / (1024 * 1024), 1)})
    return parse(raw)


def parse(raw: bytes) -> list[tuple[int, list[str]]]:
    if b"\x00" in raw:
        raise Invalid(_("This is not a CSV file. Upload a .csv file saved as “CSV UTF-8”."), field="file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(_("The file is not UTF-8 encoded. Save it as “CSV UTF-8” and upload it again."),
                      field="file") from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows: list[tuple[int, list[str]]] = []
    limit = settings.BULK_INVITATION_MAX_ROWS
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if not rows and cells[0].strip().casefold() in HEADER_WORDS:
                continue  # a header line
            rows.append((reader.line_num, cells))
            if len(rows) > limit:
                raise Invalid(_("The file has more than %(max)s rows. Split it into smaller files."),
                              field="file", params={"max": f"{limit:,}"})
    except csv.Error:
        raise Invalid(_("This is not a CSV file. Upload a .csv file saved as “CSV UTF-8”."), field="file") from None
    if not rows:
        raise Invalid(_("The file has no rows. Put one email address per line."), field="file")
    return rows


def check_rows(*, partner: Tenant, rows: list[tuple[int, list[str]]]) -> Checked:
    """Every row checked: format first, then the rules of a single invite (already a customer, a
    pending request) for the whole file with one query each."""
    from invitations.services.checks import customer_emails, pending_requests

    checked = Checked()
    seen: set[str] = set()
    candidates: list[list] = []
    for line, cells in rows:
        cells = [cell.strip() for cell in cells]
        written = cells[0][:254] if cells else ""
        if any(cell[:1] in FORMULA_START for cell in cells):
            checked.rejected.append([line, written, "formula"])
            continue
        if len(cells) > 3 and any(cells[3:]):
            checked.rejected.append([line, written, "columns"])
            continue
        try:
            email = email_checked(written, field="file")
        except DomainError:
            email = ""
        if not email:
            checked.rejected.append([line, written, "email"])
            continue
        language = (cells[2] if len(cells) > 2 else "").lower()
        if language and language not in LANGUAGES:
            checked.rejected.append([line, written, "language"])
            continue
        if email in seen:
            checked.rejected.append([line, written, "duplicate"])
            continue
        seen.add(email)
        candidates.append([line, email, " ".join((cells[1] if len(cells) > 1 else "").split())[:200], language])
    emails = [row[1] for row in candidates]
    customers = customer_emails(partner=partner, emails=emails)
    pending = set(pending_requests(partner=partner, emails=emails).values_list("email", flat=True))
    for row in candidates:
        code = "customer" if row[1] in customers else "pending" if row[1] in pending else None
        if code:
            checked.rejected.append([row[0], row[1], code])
        else:
            checked.rows.append(row)
    checked.rejected.sort(key=lambda row: row[0])
    return checked


def reason_text(code: str) -> str:
    return str(REASONS.get(code, code))
