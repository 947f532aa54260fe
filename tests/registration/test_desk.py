"""The desk: search, the 3-request flow, new visitors, anonymous visits, today's list."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from digibank.models import AuditLogEntry, Role
from registration.models import (
    FormOfService,
    HelpQuestion,
    Outcome,
    Participation,
    Visitor,
)
from tests.access import (
    assert_anonymous_redirected,
    assert_outsiders_get_404,
    assert_roles_refused,
    client_for,
)
from tests.factories import make_member
from tests.registration.conftest import count_queries
from tests.registration_factories import ParticipationFactory, VisitorFactory

pytestmark = pytest.mark.django_db

DESK = reverse("registration:desk")
NEW = reverse("registration:visitor_create")


def _visitors(digibank, location, n, *, start=0):
    """n visitors called Peeters with a few participations each."""
    for i in range(start, start + n):
        visitor = VisitorFactory(
            digibank=digibank, first_name=f"Jan{i}", last_name="Peeters", birth_year=1950
        )
        ParticipationFactory(visitor=visitor, location=location)
        ParticipationFactory(visitor=visitor, location=location, form_of_service="training")


def _participation_post(visitor, location, categories, **extra):
    data = {
        "form_of_service": FormOfService.INDIVIDUAL_SUPPORT,
        "location": location.pk,
        "activity_kind": "digipunt_walk_in",
        "occurred_on": timezone.localdate().isoformat(),
        "referrer_channel": "library",
        "idempotency_key": "key-1",
        "q-categories": [categories["government_login"].pk],
        "q-concerned_service": "itsme",
        "q-outcome": Outcome.SOLVED,
    }
    data.update(extra)
    return data


def _new_visitor_post(**extra):
    data = {
        "first_name": "Fatima",
        "last_name": "Ouali",
        "birth_year": "1972",
        "postcode": "3300",
        "gender": "female",
        "language": "other",
        "education": "unknown",
        "employment": "unknown",
        "target_groups_answer": "unknown",
        "consent": "on",
        "idempotency_key": "new-1",
    }
    data.update(extra)
    return data


# -- Search ------------------------------------------------------------------------------------


def test_it_finds_visitors_by_name_fragments_year_or_code_ignoring_accents(
    volunteer_at_desk, digibank, location
):
    helene = VisitorFactory(
        digibank=digibank, first_name="Hélène", last_name="D'Hondt", birth_year=1948
    )
    VisitorFactory(digibank=digibank, first_name="Jan", last_name="Peeters", birth_year=1960)
    ParticipationFactory(
        visitor=helene,
        location=location,
        occurred_at=timezone.make_aware(dt.datetime(2025, 3, 12, 10)),
    )
    ParticipationFactory(visitor=helene, location=location)
    ParticipationFactory(
        visitor=helene,
        location=location,
        occurred_at=timezone.make_aware(dt.datetime(2024, 1, 1, 10)),
    )

    for query in ("helene", "HÉL dhon", "hondt 1948", helene.visitor_code, "d'hondt"):
        response = volunteer_at_desk.get(DESK, {"q": query})
        assert [v.pk for v in response.context["results"]] == [helene.pk], query
    content = response.content.decode()
    assert "4e bezoek, laatst op 12 maart 2025 in Bibliotheek Tienen" in content
    assert not volunteer_at_desk.get(DESK, {"q": "helene 1960"}).context["results"]


def test_search_queries_do_not_grow_with_visitors(volunteer_at_desk, digibank, location):
    _visitors(digibank, location, 3)
    response, few = count_queries(lambda: volunteer_at_desk.get(DESK, {"q": "peeters"}))
    assert len(response.context["results"]) == 3
    _visitors(digibank, location, 30, start=3)
    response, many = count_queries(lambda: volunteer_at_desk.get(DESK, {"q": "peeters"}))
    assert len(response.context["results"]) == 20
    assert response.context["more_results"]
    assert few == many <= 12


# -- The 3-request flow for a returning visitor --------------------------------------------------


def test_a_returning_visitor_is_registered_in_three_requests(
    volunteer_at_desk, volunteer, digibank, location, categories
):
    def flow(visitor, key):
        requests = []
        url = reverse("registration:participation_create", args=[visitor.pk])
        response, n_form = count_queries(lambda: volunteer_at_desk.get(url))
        requests.append(response)
        assert response.status_code == 200
        form = response.context["form"]
        assert form.initial["location"] == location.pk  # pre-filled from the desk
        data = _participation_post(visitor, location, categories, idempotency_key=key)
        response, n_post = count_queries(lambda: volunteer_at_desk.post(url, data))
        requests.append(response)
        assert response.status_code == 302, response.context and response.context["form"].errors
        response, n_after = count_queries(lambda: volunteer_at_desk.get(response["Location"]))
        requests.append(response)
        assert response.status_code == 200
        return requests, (n_form, n_post, n_after)

    _visitors(digibank, location, 2)
    first = Visitor.objects.filter(digibank=digibank).first()
    search = volunteer_at_desk.get(DESK, {"q": first.first_name})
    assert first in search.context["results"]
    requests, few = flow(first, "k1")
    assert len(requests) == 3

    _visitors(digibank, location, 40, start=2)
    last = Visitor.objects.filter(digibank=digibank).last()
    requests, many = flow(last, "k2")
    assert len(requests) == 3
    assert few == many, (few, many)
    # Form page, POST (validation, idempotency check, participation, help question and its
    # categories, in one transaction) and the desk page after the redirect.
    n_form, n_post, n_after = many
    assert n_form <= 12 and n_post <= 22 and n_after <= 10, many

    saved = Participation.objects.get(idempotency_key="k2")
    assert (saved.visitor, saved.location, saved.registered_by) == (last, location, volunteer)
    assert saved.referrer_channel == "library"
    question = saved.help_questions.get()
    assert question.concerned_service == "itsme"
    assert list(question.categories.all()) == [categories["government_login"]]
    page = requests[-1].content.decode()
    assert "is opgeslagen" in page
    assert str(last.first_name) in page  # today's list shows who was helped


def test_a_double_submit_saves_the_visit_once(volunteer_at_desk, digibank, location, categories):
    visitor = VisitorFactory(digibank=digibank)
    url = reverse("registration:participation_create", args=[visitor.pk])
    data = _participation_post(visitor, location, categories, idempotency_key="same")
    assert volunteer_at_desk.post(url, data).status_code == 302
    response = volunteer_at_desk.post(url, data, follow=True)
    assert Participation.objects.filter(visitor=visitor).count() == 1
    assert HelpQuestion.objects.count() == 1
    assert "Dit was al opgeslagen." in response.content.decode()


def test_a_training_needs_no_help_question(volunteer_at_desk, digibank, location):
    visitor = VisitorFactory(digibank=digibank)
    url = reverse("registration:participation_create", args=[visitor.pk])
    response = volunteer_at_desk.post(
        url,
        {
            "form_of_service": FormOfService.TRAINING,
            "location": location.pk,
            "occurred_on": timezone.localdate().isoformat(),
            "referrer_channel": "unknown",
            "idempotency_key": "t1",
        },
    )
    assert response.status_code == 302
    assert Participation.objects.get().form_of_service == FormOfService.TRAINING
    assert not HelpQuestion.objects.exists()


def test_a_help_question_needs_a_category_and_a_referral_target(
    volunteer_at_desk, digibank, location, categories
):
    visitor = VisitorFactory(digibank=digibank)
    url = reverse("registration:participation_create", args=[visitor.pk])
    data = _participation_post(visitor, location, categories)
    data.pop("q-categories")
    response = volunteer_at_desk.post(url, data)
    assert response.status_code == 200
    assert "Dit veld is verplicht." in response.content.decode()
    data = _participation_post(visitor, location, categories, **{"q-outcome": "referred_external"})
    response = volunteer_at_desk.post(url, data)
    assert response.status_code == 200
    assert "Zeg naar welke organisatie je doorverwees." in response.content.decode()
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = volunteer_at_desk.post(
        url, _participation_post(visitor, location, categories, occurred_on=future)
    )
    assert "De datum kan niet in de toekomst liggen." in response.content.decode()
    assert not Participation.objects.exists()


# -- New visitors --------------------------------------------------------------------------------


def test_a_new_visitor_is_registered_with_consent(
    volunteer_at_desk, volunteer, digibank, consent_text, target_groups
):
    response = volunteer_at_desk.get(NEW)
    content = response.content.decode()
    assert consent_text.text in content  # the latest version, in plain Dutch
    assert "Oude tekst." not in content
    assert "<details" in content  # optional fields behind a disclosure

    response = volunteer_at_desk.post(
        NEW, _new_visitor_post(target_groups=[target_groups[1].pk], postcode="")
    )
    assert "Vul de postcode in, of vink" in response.content.decode()
    response = volunteer_at_desk.post(
        NEW, _new_visitor_post(target_groups=[target_groups[1].pk], postcode="onbekend")
    )
    visitor = Visitor.objects.get()
    assert response["Location"] == reverse("registration:participation_create", args=[visitor.pk])
    assert (visitor.first_name, visitor.birth_year, visitor.postcode) == ("Fatima", 1972, "")
    assert visitor.consent_text == consent_text
    assert visitor.consent_recorded_by == volunteer
    assert visitor.consent_given_at is not None
    assert list(visitor.target_groups.all()) == [target_groups[1]]
    assert visitor.target_groups_answer == "given"
    assert len(visitor.visitor_code) == 6
    entry = AuditLogEntry.objects.get(action="registration.visitor.created")
    assert "Ouali" not in str(entry.changed_fields)


def test_consent_is_required(volunteer_at_desk, consent_text):
    response = volunteer_at_desk.post(NEW, _new_visitor_post(consent=""))
    assert "Vraag toestemming." in response.content.decode()
    assert not Visitor.objects.exists()


def test_likely_duplicates_are_shown_before_saving(volunteer_at_desk, digibank, consent_text):
    known = VisitorFactory(
        digibank=digibank, first_name="Fatima", last_name="Oualli", birth_year=1972
    )
    response = volunteer_at_desk.post(NEW, _new_visitor_post())
    assert response.status_code == 200
    assert [v.pk for v in response.context["duplicates"]] == [known.pk]
    content = response.content.decode()
    assert reverse("registration:participation_create", args=[known.pk]) in content
    assert 'name="confirm_new"' in content
    assert Visitor.objects.count() == 1

    response = volunteer_at_desk.post(NEW, _new_visitor_post(confirm_new="1"))
    assert response.status_code == 302
    assert Visitor.objects.count() == 2


def test_a_minor_needs_an_explicit_confirmation(volunteer_at_desk, consent_text):
    year = str(timezone.localdate().year - 15)
    response = volunteer_at_desk.post(NEW, _new_visitor_post(birth_year=year))
    assert "jonger dan 18" in response.content.decode()
    assert not Visitor.objects.exists()
    response = volunteer_at_desk.post(NEW, _new_visitor_post(birth_year=year, confirm_minor="on"))
    assert response.status_code == 302
    assert Visitor.objects.get().birth_year == int(year)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_year", "", "Vul het geboortejaar in"),
        ("birth_year", "1850", "Geef een geboortejaar tussen 1900 en"),
        ("birth_year", "3012", "Geef een geboortejaar tussen 1900 en"),
        ("birth_year", "negentien", "Geef een geboortejaar tussen 1900 en"),
        ("postcode", "75001", "Een Belgische postcode heeft 4 cijfers"),
        ("postcode", "0123", "Een Belgische postcode heeft 4 cijfers"),
        ("postcode", "B-33", "Een Belgische postcode heeft 4 cijfers"),
        ("first_name", "A" * 10_000, "Een naam mag hoogstens 100 tekens hebben."),
        ("last_name", "<script>alert(1)</script>", "Een naam mag geen &lt; of &gt; bevatten."),
        ("first_name", "   ", "Vul de voornaam in."),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(
    volunteer_at_desk, consent_text, field, value, message
):
    response = volunteer_at_desk.post(NEW, _new_visitor_post(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Visitor.objects.exists()


def test_html_in_a_name_is_shown_escaped(volunteer_at_desk, digibank, location):
    VisitorFactory(digibank=digibank, first_name="<b>Jan</b>", last_name="Peeters")
    response = volunteer_at_desk.get(DESK, {"q": "peeters"})
    content = response.content.decode()
    assert "&lt;b&gt;Jan&lt;/b&gt;" in content
    assert "<b>Jan</b>" not in content


def test_a_double_submit_of_a_new_visitor_saves_once(volunteer_at_desk, consent_text):
    first = volunteer_at_desk.post(NEW, _new_visitor_post())
    second = volunteer_at_desk.post(NEW, _new_visitor_post())
    assert Visitor.objects.count() == 1
    assert first["Location"] == second["Location"]


# -- Anonymous visits, today's list, follow-ups -------------------------------------------------


def test_an_anonymous_visit_takes_one_click_and_is_saved_once(
    volunteer_at_desk, digibank, location
):
    url = reverse("registration:anonymous_participation")
    data = {"idempotency_key": "anon-1", "form_of_service": "individual_support"}
    assert volunteer_at_desk.post(url, data).status_code == 302
    volunteer_at_desk.post(url, data)
    participation = Participation.objects.get()
    assert participation.visitor is None
    assert participation.location == location
    assert not Visitor.objects.exists()


def test_an_anonymous_visit_needs_a_desk_location(volunteer_client):
    url = reverse("registration:anonymous_participation")
    response = volunteer_client.post(
        url, {"idempotency_key": "a", "form_of_service": "individual_support"}, follow=True
    )
    assert "Kies eerst waar je vandaag werkt." in response.content.decode()
    assert not Participation.objects.exists()


def test_todays_list_shows_who_was_helped_and_open_follow_ups(
    volunteer_at_desk, volunteer, digibank, location, other_location, categories
):
    visitor = VisitorFactory(digibank=digibank, first_name="Rosa", last_name="Verhoeven")
    today = ParticipationFactory(
        visitor=visitor, location=location, occurred_at=timezone.now(), registered_by=volunteer
    )
    elsewhere = VisitorFactory(digibank=digibank, first_name="Elders", last_name="Anders")
    ParticipationFactory(visitor=elsewhere, location=other_location, occurred_at=timezone.now())
    old = ParticipationFactory(visitor=visitor, location=location)
    question = HelpQuestion.objects.create(
        participation=old, outcome=Outcome.FOLLOW_UP, concerned_service="MyMinfin"
    )

    response = volunteer_at_desk.get(reverse("home"))
    content = response.content.decode()
    assert response.context["panels"], "the desk panel is on the home page"
    assert "Rosa Verhoeven" in content
    assert "Elders" not in content
    assert volunteer.name in content
    assert "MyMinfin" in content
    assert [p.pk for p in response.context["panels"][0]["context"]["today"]] == [today.pk]

    url = reverse("registration:follow_up_done", args=[question.pk])
    assert volunteer_at_desk.post(url).status_code == 302
    question.refresh_from_db()
    assert question.follow_up_done
    assert "MyMinfin" not in volunteer_at_desk.get(DESK).content.decode()


def test_home_panel_queries_do_not_grow_with_todays_visits(volunteer_at_desk, digibank, location):
    def add(n):
        for _ in range(n):
            ParticipationFactory(
                visitor=VisitorFactory(digibank=digibank),
                location=location,
                occurred_at=timezone.now(),
            )

    add(2)
    _, few = count_queries(lambda: volunteer_at_desk.get(reverse("home")))
    add(20)
    response, many = count_queries(lambda: volunteer_at_desk.get(reverse("home")))
    assert len(response.context["panels"][0]["context"]["today"]) == 22
    assert few == many


# -- Access --------------------------------------------------------------------------------------


def test_desk_pages_are_closed_to_outsiders_and_other_roles(digibank, location):
    visitor = VisitorFactory(digibank=digibank)
    question = HelpQuestion.objects.create(
        participation=ParticipationFactory(visitor=visitor, location=location),
        outcome=Outcome.FOLLOW_UP,
    )
    participation_url = reverse("registration:participation_create", args=[visitor.pk])
    follow_up_url = reverse("registration:follow_up_done", args=[question.pk])
    assert_outsiders_get_404(participation_url, roles=[Role.VOLUNTEER, Role.COORDINATOR])
    assert_outsiders_get_404(
        participation_url, method="post", data={}, roles=[Role.VOLUNTEER, Role.COORDINATOR]
    )
    assert_outsiders_get_404(follow_up_url, method="post", roles=[Role.VOLUNTEER])
    question.refresh_from_db()
    assert not question.follow_up_done
    for url in (DESK, NEW, participation_url):
        assert_roles_refused(url, digibank=digibank, roles=[Role.REFERRER, Role.DEPARTMENT])
        assert_anonymous_redirected(url)
    assert_roles_refused(follow_up_url, digibank=digibank, roles=[Role.REFERRER], method="post")


def test_referrers_do_not_see_the_desk_panel(digibank, location):
    VisitorFactory(digibank=digibank, first_name="Geheim")
    client = client_for(make_member(Role.REFERRER, digibank))
    response = client.get(reverse("home"))
    assert "Geheim" not in response.content.decode()
    assert client.get(DESK, {"q": "geheim"}).status_code == 403
