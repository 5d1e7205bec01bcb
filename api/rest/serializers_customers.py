"""Customer, PartnerRelationship and RelationshipRequest of Partner Center REST v1: the request bodies
(validated here) and the answers (built by the functions below, declared by the serializers)."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_countries import countries
from rest_framework import serializers

from api.rest.paging import PageQuerySerializer
from api.rest.serializers_common import AttributesSerializer, CollectionSerializer, SelfLinksSerializer
from customers.onboarding import NewCustomer
from partnercenter.models import Tenant

# --- answers ----------------------------------------------------------------------------------------


class AddressSerializer(serializers.Serializer):
    country = serializers.CharField(allow_blank=True)
    city = serializers.CharField(allow_blank=True)
    addressLine1 = serializers.CharField(allow_blank=True)  # noqa: N815
    addressLine2 = serializers.CharField(allow_blank=True)  # noqa: N815
    postalCode = serializers.CharField(allow_blank=True)  # noqa: N815
    firstName = serializers.CharField(allow_blank=True)  # noqa: N815
    lastName = serializers.CharField(allow_blank=True)  # noqa: N815
    phoneNumber = serializers.CharField(allow_blank=True)  # noqa: N815


class CompanyProfileSerializer(serializers.Serializer):
    tenantId = serializers.UUIDField()  # noqa: N815
    domain = serializers.CharField(help_text="The primary domain as stored (ASCII; punycode for IDNs).")
    companyName = serializers.CharField()  # noqa: N815
    address = AddressSerializer(required=False, help_text="On GET /v1/customers/{id} and POST; not in lists.")
    email = serializers.CharField(required=False, allow_blank=True)
    attributes = AttributesSerializer()


class BillingProfileSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    firstName = serializers.CharField(allow_blank=True)  # noqa: N815
    lastName = serializers.CharField(allow_blank=True)  # noqa: N815
    email = serializers.CharField(allow_blank=True)
    culture = serializers.CharField(allow_null=True, help_text="Not stored by the portal: always null.")
    language = serializers.CharField(allow_null=True, help_text="Not stored by the portal: always null.")
    companyName = serializers.CharField()  # noqa: N815
    defaultAddress = AddressSerializer()  # noqa: N815
    attributes = AttributesSerializer()


RELATIONSHIPS = ("reseller", "advisor", "none")  # advisor: F12, an accepted advisor offer


class CustomerSerializer(serializers.Serializer):
    """A Customer, from a row of the Customers list (customers.selectors.CustomerRow) or the partner's
    relationship with one customer (anything with customer_id, customer, has_dap, indirect_reseller_id).
    Context `profile`: the customer is a Tenant, and its address and billing profile are added (one
    customer; lists leave them out); `relationship`: relationshipToPartner ("reseller" unless told).

    The fields declare the body for the OpenAPI document and for reading; the answer is built in
    to_representation, directly from the row (a page of 500 customers through nested field objects cost
    more than the query)."""

    id = serializers.UUIDField(help_text="The customer's tenant id.")
    commerceId = serializers.UUIDField(help_text="The tenant id as well (the portal has one id).")  # noqa: N815
    companyProfile = CompanyProfileSerializer()  # noqa: N815
    billingProfile = BillingProfileSerializer(required=False,  # noqa: N815
                                              help_text="On GET /v1/customers/{id}, POST and PATCH; not in lists.")
    relationshipToPartner = serializers.ChoiceField(RELATIONSHIPS)  # noqa: N815
    allowDelegatedAccess = serializers.BooleanField(help_text="The partner holds delegated admin permissions.")  # noqa: N815
    associatedPartnerId = serializers.UUIDField(allow_null=True,  # noqa: N815
                                                help_text="An indirect provider's reseller serving the customer.")
    links = SelfLinksSerializer()
    attributes = AttributesSerializer()

    def to_representation(self, row: Any) -> dict[str, Any]:
        return customer_body(row, profile=bool(self.context.get("profile")), relationship=self.context.get("relationship"))


def customer_body(row: Any, *, profile: bool = False, relationship: str | None = None) -> dict[str, Any]:
    """CustomerSerializer's answer for one row; a list page calls it for each row directly (no
    serializer, and its context looked up through the field tree, per row)."""
    customer_id, customer = str(row.customer_id), row.customer
    company: dict[str, Any] = {"tenantId": customer_id, "domain": customer.primary_domain,
                               "companyName": customer.name, "attributes": {"objectType": "CustomerCompanyProfile"}}
    body: dict[str, Any] = {"id": customer_id, "commerceId": customer_id, "companyProfile": company}
    if profile:
        address = _address(customer)
        company["address"], company["email"] = address, customer.contact_email
        body["billingProfile"] = {
            "id": customer_id, "firstName": customer.contact_first_name, "lastName": customer.contact_last_name,
            "email": customer.contact_email, "culture": None, "language": None, "companyName": customer.name,
            "defaultAddress": address, "attributes": {"objectType": "CustomerBillingProfile"}}
    associated = row.indirect_reseller_id
    body.update({"relationshipToPartner": relationship or getattr(row, "role", "reseller"),
                 "allowDelegatedAccess": row.has_dap, "associatedPartnerId": str(associated) if associated else None,
                 "links": {"self": {"uri": f"/v1/customers/{customer_id}", "method": "GET", "headers": []}},  # link()
                 "attributes": {"objectType": "Customer"}})
    return body


class CustomerCollectionSerializer(CollectionSerializer):
    items = CustomerSerializer(many=True)


class UserCredentialsSerializer(serializers.Serializer):
    userName = serializers.CharField()  # noqa: N815
    password = serializers.CharField(allow_null=True, help_text=(
        "The new Global admin's temporary password, shown once (they change it at the first sign-in). "
        "null when the answer is an Idempotency-Key replay: the password is never stored."))


class CreatedCustomerSerializer(CustomerSerializer):
    userCredentials = UserCredentialsSerializer()  # noqa: N815


class RelationshipRequestSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="The link the customer opens to accept the reseller relationship.")
    attributes = AttributesSerializer()


class PartnerRelationshipSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The other partner's tenant id.")
    name = serializers.CharField()
    relationshipType = serializers.ChoiceField(  # noqa: N815
        ("is_indirect_cloud_solution_provider_of", "is_indirect_reseller_of"))
    state = serializers.CharField()
    mpnId = serializers.CharField()  # noqa: N815
    location = serializers.CharField(allow_blank=True, help_text="The other partner's country (ISO 3166 code).")
    attributes = AttributesSerializer()


class PartnerRelationshipCollectionSerializer(CollectionSerializer):
    items = PartnerRelationshipSerializer(many=True)


def _address(tenant: Tenant) -> dict[str, str]:
    return {"country": str(tenant.country), "city": tenant.city, "addressLine1": tenant.address_line1,
            "addressLine2": tenant.address_line2, "postalCode": tenant.postal_code,
            "firstName": tenant.contact_first_name, "lastName": tenant.contact_last_name,
            "phoneNumber": tenant.phone}


# --- requests ---------------------------------------------------------------------------------------


class ListQuerySerializer(PageQuerySerializer):
    filter = serializers.CharField(required=False, max_length=1000, help_text=(
        'URL-encoded JSON: {"Field": "CompanyName"|"Domain"|"IndirectReseller"|"IndirectCloudSolutionProvider", '
        '"Value": "…", "Operator": "starts_with"}.'))


FILTER_FIELDS = ("CompanyName", "Domain", "IndirectReseller", "IndirectCloudSolutionProvider")


class FilterSerializer(serializers.Serializer):
    Field = serializers.ChoiceField(FILTER_FIELDS)
    Value = serializers.CharField(max_length=100)
    Operator = serializers.ChoiceField(("starts_with",))


_CULTURE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class AddressInSerializer(serializers.Serializer):
    country = serializers.ChoiceField([code for code, _name in countries])
    city = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    addressLine1 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")  # noqa: N815
    postalCode = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")  # noqa: N815
    firstName = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")  # noqa: N815
    lastName = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")  # noqa: N815
    phoneNumber = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")  # noqa: N815


class BillingProfileInSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    culture = serializers.RegexField(_CULTURE, max_length=20, help_text="e.g. en-US (checked, not stored).")
    language = serializers.RegexField(_CULTURE, max_length=20, help_text="e.g. en (checked, not stored).")
    companyName = serializers.CharField(max_length=200)  # noqa: N815
    firstName = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")  # noqa: N815
    lastName = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")  # noqa: N815
    defaultAddress = AddressInSerializer()  # noqa: N815


class CompanyProfileInSerializer(serializers.Serializer):
    domain = serializers.CharField(max_length=253)


class NewCustomerSerializer(serializers.Serializer):
    billingProfile = BillingProfileInSerializer()  # noqa: N815
    companyProfile = CompanyProfileInSerializer()  # noqa: N815
    associatedPartnerId = serializers.CharField(required=False, allow_null=True, allow_blank=True,  # noqa: N815
                                                max_length=64, help_text=(
        "Indirect providers: the tenant id of the partnered indirect reseller the customer is added for."))

    def new_customer(self) -> NewCustomer:
        data = self.validated_data
        billing, address = data["billingProfile"], data["billingProfile"]["defaultAddress"]
        return NewCustomer(
            company_name=billing["companyName"].strip(), primary_domain=data["companyProfile"]["domain"].strip(),
            country=address["country"], address_line1=address["addressLine1"], city=address["city"],
            postal_code=address["postalCode"],
            contact_first_name=billing["firstName"] or address["firstName"],
            contact_last_name=billing["lastName"] or address["lastName"], contact_email=billing["email"],
            contact_phone=address["phoneNumber"], reseller_id=data.get("associatedPartnerId") or "")


# Where the Add customer service's fields arrive in this body (its errors name them so).
NEW_CUSTOMER_FIELDS = {"primary_domain": "companyProfile.domain", "country": "billingProfile.defaultAddress.country",
                       "reseller": "associatedPartnerId", "company_name": "billingProfile.companyName"}


class CustomerPatchSerializer(serializers.Serializer):
    relationshipToPartner = serializers.ChoiceField(RELATIONSHIPS, help_text=(  # noqa: N815
        '"none" removes the reseller relationship (the only change this route makes).'))
    attributes = AttributesSerializer(required=False)

    def validate(self, attrs: dict) -> dict:
        other = sorted(set(self.initial_data) - set(self.fields)) if isinstance(self.initial_data, dict) else []
        if other:
            raise serializers.ValidationError(
                _("Only relationshipToPartner can be changed here, not %(fields)s.") % {"fields": ", ".join(other)})
        return attrs

    def validate_relationshipToPartner(self, value: str) -> str:  # noqa: N802
        if value != "none":
            raise serializers.ValidationError(_('Only "none" (remove the reseller relationship) can be set here.'))
        return value

    def validate_attributes(self, value: dict) -> dict:
        if value.get("objectType") != "Customer":
            raise serializers.ValidationError(_('objectType must be "Customer".'))
        return value
