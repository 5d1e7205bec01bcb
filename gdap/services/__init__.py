"""GDAP writes. Functions take actor and tenant objects (never requests), lock what they change, check
gdap.rules, raise typed errors (partnercenter/errors.py) and record every state change with
event_record() (gdap/events.py) — the hook where mail subscribers attach."""

from gdap.services.approval import (
    approval_process,
    approval_submit,
    reject,
    requests_sweep,
    terminate,
    termination_complete,
)
from gdap.services.assignments import assignment_create, assignment_delete, assignment_update, template_apply
from gdap.services.common import record, relationship_lock
from gdap.services.groups import (
    group_create,
    group_delete,
    group_update,
    member_add,
    member_remove,
    template_delete,
    template_save,
)
from gdap.services.relationships import (
    lock_for_approval,
    relationship_create,
    relationship_delete,
    relationship_transition,
    relationship_update,
    remove_global_admin,
    request_relationship,
)

__all__ = [
    "approval_process", "approval_submit", "assignment_create", "assignment_delete", "assignment_update",
    "group_create", "group_delete", "group_update", "lock_for_approval", "member_add", "member_remove", "record",
    "reject", "relationship_create", "relationship_delete", "relationship_lock", "relationship_transition",
    "relationship_update", "remove_global_admin", "request_relationship", "requests_sweep", "template_apply",
    "template_delete", "template_save", "terminate", "termination_complete",
]
