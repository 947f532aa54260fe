"""A visitor merge (registration) takes the merged person's sign-ups along, except a sign-up
the kept record already has for the same activity, and an undo brings them back."""

import pytest

from digibank.models import Role
from registration.services import visitor_merge, visitor_merge_undo
from sessions_app.models import Enrolment
from sessions_app.services import enrolment_create
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_a_merge_moves_sign_ups_but_never_makes_a_double_one(
    digibank, make_visitor, make_activity, make_session
):
    actor = make_member(Role.COORDINATOR, digibank)
    membership = actor.memberships.get()
    kept, double = make_visitor(first_name="Jozef"), make_visitor(first_name="Josef")
    workshop = make_activity(title="itsme in 1 uur", capacity=5)
    other = make_activity(title="Veilig online", capacity=5)
    session, other_session = make_session(workshop), make_session(other)
    both = [
        enrolment_create(
            activity=workshop, session=session, visitor=v, actor=actor, membership=membership
        )
        for v in (kept, double)
    ]
    only_double = enrolment_create(
        activity=other, session=other_session, visitor=double, actor=actor, membership=membership
    )
    merge = visitor_merge(survivor=kept, merged=double, actor=actor)
    assert set(Enrolment.objects.filter(visitor=kept)) == {both[0], only_double}
    assert list(Enrolment.objects.filter(visitor=double)) == [both[1]]

    visitor_merge_undo(merge=merge, actor=actor)
    assert set(Enrolment.objects.filter(visitor=double)) == {both[1], only_double}
