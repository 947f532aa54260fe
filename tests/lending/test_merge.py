"""A visitor merge (registration) takes the merged person's loans along, and an undo brings
them back."""

import pytest

from lending.models import Loan
from registration.services import visitor_merge, visitor_merge_undo
from tests.registration_factories import VisitorFactory

pytestmark = pytest.mark.django_db


def test_a_merge_moves_loans_and_eligibility_checks_and_undo_moves_them_back(
    digibank, coordinator, make_loan
):
    kept = VisitorFactory(digibank=digibank, first_name="Maria", last_name="Peeters")
    double = VisitorFactory(digibank=digibank, first_name="Marie", last_name="Peeters")
    loan = make_loan("active", visitor=double)
    merge = visitor_merge(survivor=kept, merged=double, actor=coordinator)
    loan.refresh_from_db()
    assert loan.visitor == kept
    assert kept.eligibility_checks.count() == 1
    assert list(kept.loans.all()) == [loan]
    assert merge.data["moved_rows"]["lending.Loan"] == [loan.pk]

    visitor_merge_undo(merge=merge, actor=coordinator)
    loan.refresh_from_db()
    assert loan.visitor == double
    assert Loan.objects.filter(visitor=kept).count() == 0
    assert double.eligibility_checks.count() == 1
