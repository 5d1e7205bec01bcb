"""Attachments, the pure part: which files are accepted, what they are called.

A file is accepted when its extension is one of ALLOWED and its first bytes are what that extension says
(a renamed .exe is refused, whatever it is called). The name people see is reduced to a safe basename
(no directories, no control characters, no leading dots); the name in storage is generated, never taken
from the upload — so no name, `../../etc/passwd` included, can reach outside the attachments' folder."""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from partnercenter.errors import Invalid

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 5  # per comment (or per new request)
NAME_MAX = 120

# Binary signatures a text file must not start with (a program or an archive renamed to .txt).
_BINARY_STARTS = (b"MZ", b"\x7fELF", b"PK\x03\x04", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"\xca\xfe\xba\xbe",
                  b"\xcf\xfa\xed\xfe", b"#!")


def _is_text(head: bytes) -> bool:
    return b"\x00" not in head and not head.startswith(_BINARY_STARTS)


_SNIFF = {
    "png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "jpg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "pdf": lambda head: head.startswith(b"%PDF-"),
    "zip": lambda head: head.startswith((b"PK\x03\x04", b"PK\x05\x06")),
    "txt": _is_text,
    "log": _is_text,
    "csv": _is_text,
}
_ALIASES = {"jpeg": "jpg"}
ALLOWED = tuple(_SNIFF)
ALLOWED_LABEL = ", ".join(f".{ext}" for ext in ("png", "jpg", "pdf", "txt", "log", "csv", "zip"))
HEAD_BYTES = 64 * 1024  # text files: the first 64 KiB are looked at


def max_bytes() -> int:
    return int(getattr(settings, "SERVICE_REQUEST_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def safe_name(raw: str) -> str:
    """The basename of `raw` with only letters, digits, spaces and . _ - ( ); "" when nothing is left."""
    name = unicodedata.normalize("NFKC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"[^\w .()\-]", "_", name).strip(" .")
    name = re.sub(r"\s+", " ", name)
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: NAME_MAX - len(ext) - 1] + dot + ext) if dot and len(ext) <= 8 else name[:NAME_MAX]
    return name


def extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return ""
    ext = ext.lower()
    return _ALIASES.get(ext, ext)


@dataclass(frozen=True)
class CheckedFile:
    name: str  # the safe name shown
    kind: str  # one of ALLOWED
    size: int
    upload: object  # the UploadedFile, read again when stored


def check_upload(upload: object, *, field: str = "attachments") -> CheckedFile:
    """The upload as it will be stored, or Invalid beside `field` (size, type, content, name)."""
    raw_name = str(getattr(upload, "name", "") or "")
    size = int(getattr(upload, "size", 0) or 0)
    name = safe_name(raw_name)
    params = {"name": name or raw_name[-80:], "types": ALLOWED_LABEL}
    if not name:
        raise Invalid(_("“%(name)s” is not a file name that can be used. Rename the file and attach it again."),
                      field=field, params=params)
    kind = extension(name)
    if kind not in _SNIFF:
        raise Invalid(_("“%(name)s” cannot be attached: only these file types are allowed: %(types)s."),
                      field=field, params=params)
    limit = max_bytes()
    if size > limit:
        raise Invalid(_("“%(name)s” is too large (%(size)s). Files may be up to %(limit)s."), field=field,
                      params={**params, "size": human_size(size), "limit": human_size(limit)})
    if size == 0:
        raise Invalid(_("“%(name)s” is empty."), field=field, params=params)
    head = _head(upload)
    if not _SNIFF[kind](head):
        raise Invalid(_("“%(name)s” is not a .%(ext)s file: its content does not match its name."), field=field,
                      params={**params, "ext": kind})
    return CheckedFile(name=name, kind=kind, size=size, upload=upload)


def check_uploads(uploads: list, *, field: str = "attachments") -> list[CheckedFile]:
    if len(uploads) > MAX_FILES:
        raise Invalid(_("Attach at most %(count)s files at a time."), field=field, params={"count": MAX_FILES})
    return [check_upload(upload, field=field) for upload in uploads]


def _head(upload: object) -> bytes:
    upload.seek(0)  # type: ignore[attr-defined]
    head = upload.read(HEAD_BYTES)  # type: ignore[attr-defined]
    upload.seek(0)  # type: ignore[attr-defined]
    return head if isinstance(head, bytes) else str(head).encode()


def storage_name(partner_id: object, request_id: object) -> str:
    """A generated path in default_storage: nothing of the uploaded name is in it."""
    return f"service-requests/{partner_id}/{request_id}/{uuid.uuid4().hex}"


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"
