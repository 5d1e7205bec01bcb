from django.contrib import admin

from invitations.models import Acceptance, RelationshipRequest


@admin.register(RelationshipRequest)
class RelationshipRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "partner", "email", "status", "include_dap", "reusable", "expires_at"]
    list_filter = ["status", "include_dap", "reusable"]
    raw_id_fields = ["partner", "created_by", "sent_by", "accepted_customer"]
    readonly_fields = ["token_digest", "token_last4"]


@admin.register(Acceptance)
class AcceptanceAdmin(admin.ModelAdmin):
    list_display = ["id", "request", "customer", "status", "result_code", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["request", "customer", "user"]
