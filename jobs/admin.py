from django.contrib import admin

from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["kind", "tenant", "status", "total", "done", "skipped", "failed", "cancelled", "created_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["tenant", "created_by", "cancel_requested_by"]
    readonly_fields = ["total", "done", "skipped", "failed", "cancelled", "heartbeat_at", "started_at", "finished_at"]
