import pytest
from django.core.management import call_command

from digibank.models import Digibank
from registration import selectors
from registration.models import HelpQuestion, Participation, Visitor


@pytest.mark.django_db
def test_the_demo_has_believable_visitors_and_a_ledger():
    call_command("seed_demo", verbosity=0)
    digibank = Digibank.objects.get(slug="tienen-landen")
    visitors = Visitor.objects.filter(digibank=digibank)
    assert 140 <= visitors.count() <= 170
    participations = Participation.objects.filter(digibank=digibank)
    assert 450 <= participations.count() <= 800
    assert participations.filter(visitor__isnull=True).count() >= 5
    assert visitors.filter(postcode="").exists()
    assert visitors.filter(consent_given_at__isnull=True).count() == 0
    assert HelpQuestion.objects.filter(concerned_service="itsme").exists()
    returning = selectors.visitor_list(digibank=digibank, returning="returning").count()
    assert returning >= 30
    names = {
        (p.first.last_name, p.second.last_name)
        for p in selectors.duplicate_pairs(digibank=digibank)
    }
    assert ("Janssens", "Janssens") in names
    assert ("El Amrani", "El Amrani") in names
    assert ("D'Hondt", "Dhondt") in names
