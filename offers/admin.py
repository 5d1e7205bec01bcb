from django.contrib import admin

from offers.models import AdvisorOffer, AdvisorOfferLine, OfferAcceptance


class LineInline(admin.TabularInline):
    model = AdvisorOfferLine
    extra = 0


@admin.register(AdvisorOffer)
class AdvisorOfferAdmin(admin.ModelAdmin):
    list_display = ("partner", "offer_kind", "status", "opened_count", "acceptance_count", "created_at")
    list_filter = ("offer_kind", "status")
    exclude = ("token_digest",)
    inlines = [LineInline]


@admin.register(OfferAcceptance)
class OfferAcceptanceAdmin(admin.ModelAdmin):
    list_display = ("offer", "customer", "status", "result_code", "created_at")
    list_filter = ("status",)
