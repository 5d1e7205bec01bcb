from django.contrib import admin

from api.models import ApiApp


@admin.register(ApiApp)
class ApiAppAdmin(admin.ModelAdmin):
    list_display = ["name", "partner", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["partner", "created_by"]
    search_fields = ["name", "partner__name", "application__client_id"]
    readonly_fields = ["application", "created_by", "created_at", "last_used_at", "revoked_at", "revoked_by",
                       "secret_version", "secret_rotated_at", "previous_secret_expires_at"]
    exclude = ["previous_secret"]  # a hash, but nothing anyone needs to see or edit
