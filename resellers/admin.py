from django.contrib import admin

from resellers.models import IndirectPartnership


@admin.register(IndirectPartnership)
class IndirectPartnershipAdmin(admin.ModelAdmin):
    list_display = ["provider", "reseller", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["provider", "reseller"]
