"""Factories for the core. Apps add theirs in `tests/<app>/factories.py`."""

import datetime as dt

import factory
from allauth.account.models import EmailAddress

from digibank.models import Digibank, Location, Membership, Organisation, Role, User
from digibank.totp import totp_activate

TEST_PASSWORD = "correct horse battery staple"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ"


class DigibankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Digibank

    name = factory.Sequence(lambda n: f"Digibank {n}")
    slug = factory.Sequence(lambda n: f"digibank-{n}")
    start_date = dt.date(2024, 1, 1)
    municipalities = factory.LazyFunction(lambda: ["Tienen"])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    digibank = factory.SubFactory(DigibankFactory)
    name = factory.Sequence(lambda n: f"Organisatie {n}")
    type = Organisation.Type.SOCIAL_SERVICES


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    digibank = factory.SubFactory(DigibankFactory)
    name = factory.Sequence(lambda n: f"Digipunt {n}")
    slug = factory.Sequence(lambda n: f"digipunt-{n}")
    kind = Location.Kind.FIXED
    municipality = "Tienen"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.be")
    name = factory.Sequence(lambda n: f"Gebruiker {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


def make_member(
    role: str, digibank: Digibank | None = None, *, totp: bool | None = None, **user_fields
) -> User:
    """A user with one membership. Coordinators and department staff get TOTP unless totp=False."""
    user = UserFactory(**user_fields)
    if role == Role.DEPARTMENT:
        digibank = None
    elif digibank is None:
        digibank = DigibankFactory()
    organisation = OrganisationFactory(digibank=digibank) if role == Role.REFERRER else None
    Membership.objects.create(user=user, digibank=digibank, role=role, organisation=organisation)
    if totp is None:
        totp = role in (Role.COORDINATOR, Role.DEPARTMENT)
    if totp:
        totp_activate(user, TEST_TOTP_SECRET)
    return user
