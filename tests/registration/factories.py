"""Factories for the desk's help questions, merges and legacy imports (VisitorFactory and
ParticipationFactory live in tests/registration_factories.py, shared by every app)."""

from pathlib import Path

import factory
from django.utils import timezone

from registration import importing
from registration.models import HelpQuestion, ImportBatch, Outcome, VisitorMerge
from tests.factories import DigibankFactory
from tests.registration_factories import ParticipationFactory, VisitorFactory

LEGACY_EXAMPLE = (
    Path(__file__).parents[1] / "importprivacy" / "data" / "legacy_registrations_example.csv"
)


class HelpQuestionFactory(factory.django.DjangoModelFactory):
    """A question asked today and referred on, whose follow-up is still to be done."""

    class Meta:
        model = HelpQuestion

    participation = factory.SubFactory(
        ParticipationFactory, occurred_at=factory.LazyFunction(timezone.now)
    )
    concerned_service = "MyMinfin"
    concerned_service_key = "myminfin"
    outcome = Outcome.REFERRED_EXTERNAL
    referred_to_text = "OCMW"


class VisitorMergeFactory(factory.django.DjangoModelFactory):
    """A merge that can still be undone (the merged visitor points at the survivor)."""

    class Meta:
        model = VisitorMerge

    digibank = factory.SubFactory(DigibankFactory)
    survivor = factory.SubFactory(VisitorFactory, digibank=factory.SelfAttribute("..digibank"))
    merged = factory.SubFactory(
        VisitorFactory,
        digibank=factory.SelfAttribute("..digibank"),
        merged_into=factory.SelfAttribute("..survivor"),
    )


class ImportBatchFactory(factory.django.DjangoModelFactory):
    """A previewed legacy file (the example of the legacy format), not imported yet."""

    class Meta:
        model = ImportBatch

    digibank = factory.SubFactory(DigibankFactory)
    original_name = "registraties.csv"
    file = factory.django.FileField(
        filename="registraties.csv", from_func=lambda: LEGACY_EXAMPLE.open("rb")
    )
    size = factory.LazyFunction(lambda: LEGACY_EXAMPLE.stat().st_size)
    preview = factory.LazyAttribute(
        lambda batch: importing.legacy_preview(
            digibank=batch.digibank, data=LEGACY_EXAMPLE.read_bytes(), filename="registraties.csv"
        )
    )
