"""Factories for visitors and participations, used by every app's tests."""

import datetime as dt

import factory
from django.utils import timezone

from registration.models import FormOfService, Participation, Visitor
from registration.services import assign_visitor_code, visitor_refresh_identity
from tests.factories import DigibankFactory


class VisitorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visitor
        skip_postgeneration_save = True

    digibank = factory.SubFactory(DigibankFactory)
    first_name = factory.Sequence(lambda n: f"Voornaam{n}")
    last_name = factory.Sequence(lambda n: f"Achternaam{n}")
    birth_year = 1960
    postcode = "3300"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        visitor = model_class(*args, **kwargs)
        if not visitor.visitor_code:
            assign_visitor_code(visitor)
        visitor_refresh_identity(visitor)
        visitor.save()
        return visitor


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    digibank = factory.SelfAttribute("visitor.digibank")
    visitor = factory.SubFactory(VisitorFactory)
    form_of_service = FormOfService.INDIVIDUAL_SUPPORT
    occurred_at = factory.LazyFunction(lambda: timezone.make_aware(dt.datetime(2025, 3, 12, 10, 0)))
    occurred_on = factory.LazyAttribute(lambda p: timezone.localtime(p.occurred_at).date())
