"""factory_boy factories for the tenancy core and relationships."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from partnercenter.models import Cloud, CompanyProfile, Membership, PartnerType, Tenant, TenantKind, User
from partnercenter.roles import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "partnercenter")

    @factory.post_generation
    def verified(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=extracted is not False)


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant
        skip_postgeneration_save = True

    kind = TenantKind.CUSTOMER
    name = factory.Sequence(lambda n: f"Customer {n:05d} GmbH")
    primary_domain = factory.Sequence(lambda n: f"customer{n}.example")
    country = "DE"
    cloud = Cloud.PUBLIC


class PartnerFactory(TenantFactory):
    kind = TenantKind.PARTNER
    name = factory.Sequence(lambda n: f"Partner {n:04d} GmbH")
    primary_domain = factory.Sequence(lambda n: f"partner{n}.example")
    mpn_id = factory.Sequence(lambda n: f"{1000000 + n}")
    partner_type = PartnerType.DIRECT

    @factory.post_generation
    def profile(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            CompanyProfile.objects.create(
                tenant=self, legal_name=self.name, support_email=f"support@{self.primary_domain}",
                phone="+49 30 1234567", website=f"https://{self.primary_domain}", country=self.country,
            )


def member(tenant: Tenant, *roles: str, email: str | None = None, language: str = "") -> User:
    kwargs = {"language": language}
    if email:
        kwargs["email"] = email
    user = UserFactory(**kwargs)
    for role in roles or (Role.GLOBAL_ADMIN,):
        Membership.objects.create(user=user, tenant=tenant, role=role)
    return user
