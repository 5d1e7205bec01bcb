from django.contrib import admin

from customers.models import DelegatedAdminPermission, ResellerRelationship


@admin.register(ResellerRelationship)
class ResellerRelationshipAdmin(admin.ModelAdmin):
    list_display = ["partner", "customer", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["partner", "customer", "created_by", "source_request"]
    search_fields = ["customer__name", "customer__primary_domain"]


@admin.register(DelegatedAdminPermission)
class DelegatedAdminPermissionAdmin(admin.ModelAdmin):
    list_display = ["partner", "customer", "service", "status", "granted_at"]
    list_filter = ["status", "service"]
    raw_id_fields = ["partner", "customer", "granted_by"]
