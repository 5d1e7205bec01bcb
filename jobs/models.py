"""Background bulk jobs: one Job per request ("request admin relationships for 10,000 customers"), one
JobItem per thing it works on. The engine (jobs/services.py) runs the items in chunks; what an item
means is up to the job's kind (jobs/registry.py)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partnercenter.models import Tenant, User
from partnercenter.tenancy import OwnTenantQuerySet


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    CANCELLING = "cancelling", _("Cancelling")
    CANCELLED = "cancelled", pgettext_lazy("background job", "Cancelled")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


ACTIVE = frozenset({JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.CANCELLING})
FINISHED = frozenset({JobStatus.CANCELLED, JobStatus.DONE, JobStatus.FAILED})

STATUS_BADGES = {
    JobStatus.QUEUED: "text-bg-secondary",
    JobStatus.RUNNING: "text-bg-primary",
    JobStatus.CANCELLING: "text-bg-warning",
    JobStatus.CANCELLED: "text-bg-secondary",
    JobStatus.DONE: "text-bg-success",
    JobStatus.FAILED: "text-bg-danger",
}


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", pgettext_lazy("background job", "Cancelled")


ITEM_BADGES = {
    ItemStatus.PENDING: "text-bg-secondary",
    ItemStatus.DONE: "text-bg-success",
    ItemStatus.SKIPPED: "text-bg-warning",
    ItemStatus.FAILED: "text-bg-danger",
    ItemStatus.CANCELLED: "text-bg-secondary",
}


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(_("kind"), max_length=64)  # a jobs.registry.JobKind name
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    params = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written by the runner after every chunk: a queued/running job whose heartbeat is old has lost
    # its worker, and jobs.tasks.jobs_resume queues it again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    cancel_requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                            related_name="+")
    cancel_requested_at = models.DateTimeField(null=True, blank=True)

    objects = OwnTenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [
            models.Index(fields=["tenant", "-created_at", "-id"], name="job_tenant_created_idx"),
            models.Index(fields=["heartbeat_at"], name="job_active_heartbeat_idx",
                         condition=Q(status__in=["queued", "running", "cancelling"])),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"

    @property
    def kind_label(self) -> str:
        from jobs.registry import kind_label

        return kind_label(self.kind)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def may_cancel(self) -> bool:
        """Queued or running; or done, when its kind can still withdraw what waits (jobs.registry on_cancel)."""
        if self.status in (JobStatus.QUEUED, JobStatus.RUNNING):
            return True
        from jobs.registry import kind_get

        kind = kind_get(self.kind)
        return self.status == JobStatus.DONE and kind is not None and kind.on_cancel is not None

    @property
    def processed(self) -> int:
        return self.done + self.skipped + self.failed + self.cancelled

    @property
    def percent(self) -> int:
        """Share of the items that are through (done, skipped, failed or cancelled), rounded down."""
        return min(100, self.processed * 100 // self.total) if self.total else 100

    @property
    def bar_step(self) -> int:
        """The percentage rounded down to the progress bar's 5 % steps (static/css/app.css)."""
        return self.percent - self.percent % 5

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.status, "text-bg-secondary")


class JobItem(models.Model):
    """One thing a job works on: `key` identifies it for the kind (a customer id, an email address),
    `label` is what people read. The handler sets status, reason and result."""

    id = models.BigAutoField(primary_key=True)
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    key = models.CharField(max_length=200)
    label = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    # Why an item was skipped or failed: a code of the kind's reason_texts (or the engine's) plus
    # parameters, worded when shown so every reader sees their own language.
    reason_code = models.CharField(max_length=48, blank=True)
    reason_params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["job", "key"], name="jobitem_unique_key_per_job")]
        indexes = [models.Index(fields=["job", "status", "position"], name="jobitem_job_status_pos_idx")]

    def __str__(self) -> str:
        return f"{self.key}: {self.status}"

    # What a handler calls for each item of its chunk.
    def mark_done(self, result: dict | None = None) -> None:
        self._mark(ItemStatus.DONE, "", None, result)

    def mark_skipped(self, code: str, params: dict | None = None, result: dict | None = None) -> None:
        self._mark(ItemStatus.SKIPPED, code, params, result)

    def mark_failed(self, code: str, params: dict | None = None, result: dict | None = None) -> None:
        self._mark(ItemStatus.FAILED, code, params, result)

    def reset(self) -> None:
        self._mark(ItemStatus.PENDING, "", None, {})

    def _mark(self, status: str, code: str, params: dict | None, result: dict | None) -> None:
        self.status = status
        self.reason_code = code
        self.reason_params = dict(params or {})
        if result is not None:
            self.result = dict(result)

    @property
    def status_badge(self) -> str:
        return ITEM_BADGES.get(self.status, "text-bg-secondary")
