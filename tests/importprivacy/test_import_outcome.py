"""Old registrations did not note what came of a question: imported questions say so, and never
count as solved."""

import pytest

from registration.importing import legacy_import
from registration.models import HelpQuestion, Outcome
from tests.importprivacy.conftest import example_bytes

pytestmark = pytest.mark.django_db


def test_imported_help_questions_have_an_unknown_outcome():
    from digibank.services import digibank_create

    digibank = digibank_create(slug="tienen", name="Digibank Tienen")
    legacy_import(digibank=digibank, data=example_bytes(), filename="x.csv", create_unknown=True)
    questions = HelpQuestion.objects.filter(participation__digibank=digibank)
    assert questions.count() > 0
    assert set(questions.values_list("outcome", flat=True)) == {Outcome.UNKNOWN}


def test_the_desk_cannot_choose_an_unknown_outcome(digibank):
    from registration.forms import HelpQuestionForm

    form = HelpQuestionForm(digibank=digibank)
    assert Outcome.UNKNOWN not in dict(form.fields["outcome"].choices)
