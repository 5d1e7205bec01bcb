"""The kinds of background job. An app declares its kinds and registers them from its AppConfig.ready():

    # gdap/jobs.py
    from django.utils.translation import gettext_lazy as _
    from jobs.registry import JobKind, register
    from partnercenter.roles import Perm

    def request_chunk(job, items):  # items: list[JobItem], all pending, in position order
        ... one bulk query for the chunk, then for each item: item.mark_done(result={"link": url}),
        ... item.mark_skipped("exists", {"customer": item.label}) or item.mark_failed("refused", {...})

    GDAP_REQUEST = register(JobKind(
        name="gdap.request", label=_("Request admin relationships"), perm=Perm.GDAP_REQUEST,
        handler=request_chunk, result_columns=[(_("Approval link"), "link")],
        reason_texts={"exists": _("%(customer)s already has an active admin relationship.")},
    ))

    # gdap/apps.py
    def ready(self):
        from gdap import jobs  # noqa: F401  (registers this app's job kinds)

The handler contract:
- It is called with the job and one chunk of its pending items (at most `chunk_size`, ordered by
  position), inside the chunk's transaction, with the items locked against other runners. Everything
  it writes to the database commits with the items' new status, or not at all: a crash (killed worker)
  rolls the chunk back and the items are processed again later, so writes outside the database belong
  in the outbox (partnercenter.services.outbox_email_create*), never in the handler.
- It sets each item's outcome with item.mark_done(result=…), mark_skipped(code, params) or
  mark_failed(code, params); it does not save items (the engine writes the whole chunk with one
  bulk_update). An item it leaves pending is marked failed ("error") and logged.
- It should use bulk queries (one or a few per chunk, not per item).
- If it raises, its writes are rolled back (savepoint) and the chunk's items are run one at a time,
  each in its own savepoint; an item that still raises is failed with the reason "error". It should
  therefore be safe to call again for items whose earlier call was rolled back.
- `on_finish(job)` (optional) runs once, in the transaction that marks the job done or cancelled.
- `on_cancel(job) -> int` (optional) undoes what is still undoable when the job is cancelled (a bulk
  invitation withdraws its mails not sent yet): in the transaction that marks it cancelled, and also
  on a finished ("done") job, whose paced side effects may still be waiting; it returns how many
  things it withdrew (0 on a done job: nothing left to cancel, the job stays done).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from partnercenter.roles import Perm
from partnercenter.text import sentence

if TYPE_CHECKING:
    from jobs.models import Job, JobItem

Handler = Callable[["Job", "list[JobItem]"], None]

# Reasons the engine itself gives; a kind's reason_texts may not reuse these codes.
ENGINE_REASONS: dict[str, Any] = {
    "error": _("An unexpected error occurred. Nothing was changed for this item."),
    "unknown_kind": _("This kind of job is no longer available."),
}


@dataclass(frozen=True)
class JobKind:
    name: str  # stored in Job.kind, e.g. "gdap.request"; at most 64 characters
    label: Any  # lazy: "Request admin relationships"
    perm: str  # a partnercenter.roles.Perm: needed to see, download and cancel jobs of this kind
    handler: Handler
    chunk_size: int = 200
    result_columns: Sequence[tuple[Any, str]] = ()  # (header (lazy), key in JobItem.result) for the CSV
    reason_texts: dict[str, Any] = field(default_factory=dict)  # code → lazy text with %(name)s params
    on_finish: Callable[[Job], None] | None = None
    on_cancel: Callable[[Job], int] | None = None

    def __post_init__(self) -> None:
        if self.perm not in Perm.values:
            raise ValueError(f"{self.perm!r} is not a permission (partnercenter.roles.Perm)")
        if not 0 < self.chunk_size <= 5000:
            raise ValueError("chunk_size must be between 1 and 5000")
        if len(self.name) > 64:
            raise ValueError("a job kind's name has at most 64 characters")
        clash = set(self.reason_texts) & set(ENGINE_REASONS)
        if clash:
            raise ValueError(f"reason codes {sorted(clash)} are the engine's")


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    """Register a kind (from an AppConfig.ready()); registering the same name again replaces it only
    when it is the same declaration (module reloads), else it is an error."""
    existing = _KINDS.get(kind.name)
    if existing is not None and existing.handler is not kind.handler and existing.label != kind.label:
        raise ValueError(f"job kind {kind.name!r} is registered twice")
    _KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    _KINDS.pop(name, None)


def kind_get(name: str) -> JobKind | None:
    return _KINDS.get(str(name))


def kinds() -> list[JobKind]:
    return list(_KINDS.values())


def kind_label(name: str) -> str:
    kind = _KINDS.get(str(name))
    return str(kind.label) if kind is not None else str(name)


def kinds_visible(perms: Any) -> list[str]:
    """The names of the kinds whose permission is in `perms` (a PermissionSet)."""
    return [kind.name for kind in _KINDS.values() if kind.perm in perms]


def reason_text(kind_name: str, code: str, params: dict[str, Any] | None = None) -> str:
    """Why an item was skipped or failed, in the language active now (the reader's)."""
    if not code:
        return ""
    kind = _KINDS.get(str(kind_name))
    template = (kind.reason_texts.get(code) if kind is not None else None) or ENGINE_REASONS.get(code)
    if template is None:
        return code
    try:
        return sentence(str(template) % dict(params or {}))
    except (KeyError, TypeError, ValueError):
        return sentence(str(template))
