"""Operators add a customer's further domains here (the portal has no page for it yet)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from customerusers.models import CustomerDomain
from partnercenter.domains import InvalidDomain, normalize_domain
from partnercenter.models import Tenant, TenantKind


class CustomerDomainForm(forms.ModelForm):
    class Meta:
        model = CustomerDomain
        fields = ["tenant", "name"]

    def clean_name(self) -> str:
        try:
            name = normalize_domain(self.cleaned_data.get("name", ""))
        except InvalidDomain as exc:
            raise forms.ValidationError(exc.message) from None
        if Tenant.objects.filter(primary_domain=name).exists():
            raise forms.ValidationError(_("This domain is the primary domain of an organisation."))
        if CustomerDomain.objects.filter(name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This domain belongs to a customer already."))
        return name

    def clean_tenant(self) -> Tenant:
        tenant = self.cleaned_data["tenant"]
        if tenant.kind != TenantKind.CUSTOMER:
            raise forms.ValidationError(_("Only a customer tenant has further domains."))
        return tenant


@admin.register(CustomerDomain)
class CustomerDomainAdmin(admin.ModelAdmin):
    form = CustomerDomainForm
    list_display = ["name", "tenant", "created_at"]
    raw_id_fields = ["tenant"]
    search_fields = ["name", "tenant__name", "tenant__primary_domain"]
