import datetime as dt
import io

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from pypdf import PdfReader

from digibank.models import Role
from lending import nav
from lending.models import (
    CheckIn,
    Device,
    DeviceStatus,
    EligibilityCheck,
    Loan,
    LoanStatus,
    Reminder,
    WipeRecord,
)
from registration.models import Participation
from tests.access import (
    assert_anonymous_redirected,
    assert_outsiders_get_404,
    assert_roles_refused,
    client_for,
)
from tests.lending.factories import DeviceFactory, DonationFactory


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# -- Pages and their access --------------------------------------------------------------------


def test_the_inventory_filters_and_its_query_count_does_not_grow(
    digibank, location, volunteer_client, django_assert_max_num_queries
):
    DeviceFactory(digibank=digibank, type="tablet", brand="Samsung", location=location)
    DeviceFactory(digibank=digibank, type="laptop", brand="Lenovo")
    url = reverse("lending:device_list")
    response = volunteer_client.get(url, {"type": "tablet"})
    assert response.status_code == 200
    assert "Samsung" in response.content.decode() and "Lenovo" not in response.content.decode()
    response = volunteer_client.get(url, {"location": location.pk})
    assert "Samsung" in response.content.decode() and "Lenovo" not in response.content.decode()

    with django_assert_max_num_queries(12) as few:
        volunteer_client.get(url)
    DonationFactory(digibank=digibank)
    for _ in range(15):
        DeviceFactory(
            digibank=digibank,
            location=location,
            source="donated",
            donation=DonationFactory(digibank=digibank),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = volunteer_client.get(url)
    assert response.content.decode().count("/uitleen/toestellen/") >= 17


def test_labels_print_the_asset_tags(digibank, volunteer_client):
    DeviceFactory(digibank=digibank, asset_tag="TL-0042", serial_number="XYZ-1")
    response = volunteer_client.get(reverse("lending:device_labels"))
    body = response.content.decode()
    assert "TL-0042" in body and "XYZ-1" in body and "lending.css" in body


def test_the_loan_list_query_count_does_not_grow(
    digibank, make_loan, coordinator_client, django_assert_max_num_queries
):
    make_loan()
    url = reverse("lending:loan_list")
    with django_assert_max_num_queries(12) as few:
        coordinator_client.get(url)
    for _ in range(6):
        make_loan()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(url)
    assert response.content.decode().count("/uitleen/uitleningen/") >= 7


def test_the_overview_and_due_lists_do_not_grow_in_queries(
    digibank, make_loan, volunteer_client, today, django_assert_max_num_queries
):
    loan = make_loan(start=today - dt.timedelta(days=200), term="6m")
    Loan.objects.filter(pk=loan.pk).update(due_date=today - dt.timedelta(days=3))
    for name in ("lending:overview", "lending:due_list"):
        with django_assert_max_num_queries(20) as few:
            response = volunteer_client.get(reverse(name))
        assert loan.visitor.last_name in response.content.decode()
        for _ in range(3):
            extra = make_loan(start=today - dt.timedelta(days=200), term="6m")
            Loan.objects.filter(pk=extra.pk).update(due_date=today + dt.timedelta(days=2))
        with django_assert_max_num_queries(len(few.captured_queries)):
            volunteer_client.get(reverse(name))


def test_lending_pages_are_closed_to_anonymous_referrers_and_department(digibank):
    for name in ("lending:overview", "lending:device_list", "lending:loan_list"):
        assert_anonymous_redirected(reverse(name))
        assert_roles_refused(
            reverse(name), digibank=digibank, roles=[Role.REFERRER, Role.DEPARTMENT]
        )
    for name in ("lending:donation_list", "lending:settings", "lending:device_create"):
        assert_roles_refused(reverse(name), digibank=digibank, roles=[Role.VOLUNTEER])


def test_every_page_with_an_id_answers_404_to_another_digibank(digibank, make_loan, visitor, today):
    loan = make_loan(visitor=visitor)
    check_in = CheckIn.objects.get(loan=loan)
    reminder = Reminder.objects.create(loan=loan, kind="return", due_date=today, channel="print")
    donation = DonationFactory(digibank=digibank)
    device = loan.device
    coordinator_gets = [
        reverse("lending:device_edit", args=[device.pk]),
        reverse("lending:donation_detail", args=[donation.pk]),
        reverse("lending:donation_pdf", args=[donation.pk]),
    ]
    gets = [
        reverse("lending:device_detail", args=[device.pk]),
        reverse("lending:device_wipe", args=[device.pk]),
        reverse("lending:loan_detail", args=[loan.pk]),
        reverse("lending:loan_agreement", args=[loan.pk]),
        reverse("lending:loan_request", args=[visitor.pk]),
    ]
    posts = [
        reverse("lending:device_status", args=[device.pk]),
        reverse("lending:device_wipe", args=[device.pk]),
        reverse("lending:loan_eligibility", args=[loan.pk]),
        reverse("lending:loan_approve", args=[loan.pk]),
        reverse("lending:loan_book_pickup", args=[loan.pk]),
        reverse("lending:loan_pickup", args=[loan.pk]),
        reverse("lending:loan_extend", args=[loan.pk]),
        reverse("lending:loan_permanent", args=[loan.pk]),
        reverse("lending:loan_return", args=[loan.pk]),
        reverse("lending:loan_lost", args=[loan.pk]),
        reverse("lending:loan_cancel", args=[loan.pk]),
        reverse("lending:loan_check_in_plan", args=[loan.pk]),
        reverse("lending:loan_deposit", args=[loan.pk]),
        reverse("lending:loan_refund", args=[loan.pk]),
        reverse("lending:loan_intro_done", args=[loan.pk]),
        reverse("lending:check_in_record", args=[check_in.pk]),
        reverse("lending:reminder_handled", args=[reminder.pk]),
    ]
    for url in gets:
        assert_outsiders_get_404(url, roles=[Role.VOLUNTEER, Role.COORDINATOR])
    for url in coordinator_gets:
        assert_outsiders_get_404(url, roles=[Role.COORDINATOR])
    for url in posts:
        assert_outsiders_get_404(
            url,
            method="post",
            data={"returned_on": today, "condition": "good", "reason": "x"},
            roles=[Role.COORDINATOR],
        )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE and loan.returned_on is None


# -- The workflow through the screens ----------------------------------------------------------


def test_a_digihelper_and_a_coordinator_run_a_loan_through_the_screens(
    digibank, location, visitor, volunteer, coordinator, lending_settings, today
):
    device = DeviceFactory(digibank=digibank, asset_tag="TL-0007", serial_number="SN-777")
    helper, boss = client_for(volunteer), client_for(coordinator)
    response = helper.post(
        reverse("lending:loan_request", args=[visitor.pk]),
        {"device_type": "laptop", "location": location.pk, "request_note": "Sollicitaties"},
    )
    loan = Loan.objects.get(visitor=visitor)
    assert response.status_code == 302 and response["Location"].endswith(f"/{loan.pk}/")

    response = helper.post(
        reverse("lending:loan_eligibility", args=[loan.pk]),
        {"criterion": "uitpas_kansentarief", "proof_seen": ""},
    )
    assert response.status_code == 400
    assert 'id="id_proof_seen_error"' in response.content.decode()
    assert "Schrijf op welk bewijs je zag" in response.content.decode()
    assert not EligibilityCheck.objects.exists()
    helper.post(
        reverse("lending:loan_eligibility", args=[loan.pk]),
        {
            "criterion": "uitpas_kansentarief",
            "proof_seen": "UiTPAS kansentarief gezien",
            "valid_until": (today + dt.timedelta(days=100)).isoformat(),
        },
    )
    check = EligibilityCheck.objects.get()
    # A digihelper cannot approve (404: the role rule on a page about one object).
    assert helper.post(reverse("lending:loan_approve", args=[loan.pk]), {}).status_code == 404
    response = boss.post(
        reverse("lending:loan_approve", args=[loan.pk]),
        {
            "eligibility_check": check.pk,
            "term": "12m",
            "deposit_kind": "waived",
            "deposit_waived_reason": "Leefloon",
            "device": device.pk,
            "location": location.pk,
        },
    )
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.status == LoanStatus.APPROVED and loan.device == device

    agreement = helper.get(reverse("lending:loan_agreement", args=[loan.pk]))
    assert agreement["Content-Type"] == "application/pdf"
    text = _pdf_text(agreement.content)
    for expected in (visitor.first_name, visitor.last_name, "SN-777", "TL-0007", "EUR 0"):
        assert expected in text

    response = helper.post(
        reverse("lending:loan_pickup", args=[loan.pk]),
        {"picked_up_on": today.isoformat(), "location": location.pk, "agreement_signed": "on"},
    )
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    response = helper.post(
        reverse("lending:loan_return", args=[loan.pk]),
        {"returned_on": (today - dt.timedelta(days=1)).isoformat(), "condition": "good"},
    )
    assert response.status_code == 400
    assert "begin" in response.content.decode() or "start" in response.content.decode()
    helper.post(
        reverse("lending:loan_return", args=[loan.pk]),
        {"returned_on": today.isoformat(), "condition": "good"},
    )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.RETURNED
    assert Participation.objects.filter(visitor=visitor).count() == 2

    response = helper.post(
        reverse("lending:device_wipe", args=[device.pk]),
        {"wiped_on": today.isoformat(), "method": "overwrite", "performed_by": "Den Azalee"},
    )
    assert response.status_code == 302
    assert WipeRecord.objects.filter(device=device).count() == 1
    detail = helper.get(reverse("lending:device_detail", args=[device.pk])).content.decode()
    assert "Den Azalee" in detail and f"#{loan.pk}" in detail


def test_the_coordinator_adds_a_device_and_a_duplicate_serial_gets_a_message(
    digibank, coordinator_client, device
):
    data = {
        "type": "laptop",
        "brand": "HP",
        "serial_number": device.serial_number,
        "asset_tag": "TL-5555",
        "source": "purchased_new",
        "condition": "new",
    }
    response = coordinator_client.post(reverse("lending:device_create"), data)
    assert response.status_code == 200
    assert device.serial_number in response.content.decode()
    assert Device.objects.filter(digibank=digibank).count() == 1
    data["serial_number"] = "NEW-SN"
    response = coordinator_client.post(reverse("lending:device_create"), data)
    assert response.status_code == 302
    assert Device.objects.filter(digibank=digibank, serial_number="NEW-SN").exists()


def test_the_donor_report_and_wipe_statement_hold_no_borrower_data(
    digibank, make_loan, coordinator_client, volunteer, today
):
    from lending import services

    donation = DonationFactory(digibank=digibank, donor_name="Bakkerij Peeters")
    device = DeviceFactory(
        digibank=digibank,
        source="donated",
        donation=donation,
        serial_number="DON-1",
        needs_wipe=True,
    )
    services.wipe_record(
        device=device,
        actor=volunteer,
        wiped_on=today,
        method="overwrite",
        performed_by="Kringwinkel Den Azalee",
        tool="nwipe",
    )
    loan = make_loan(device=device)
    services.loan_return(loan=loan, actor=volunteer, returned_on=today, condition="good")
    report = coordinator_client.get(reverse("lending:donation_detail", args=[donation.pk]))
    body = report.content.decode()
    assert "DON-1" in body and "Kringwinkel Den Azalee" in body
    assert loan.visitor.last_name not in body
    rows = {d.serial_number: d.loans_served for d in report.context["devices"]}
    assert rows == {"DON-1": 1}
    statement = coordinator_client.get(reverse("lending:donation_pdf", args=[donation.pk]))
    text = _pdf_text(statement.content)
    assert "Bakkerij Peeters" in text and "DON-1" in text and "nwipe" in text
    assert loan.visitor.last_name not in text


def test_the_call_list_shows_people_without_email_until_handled(
    digibank, make_loan, volunteer_client, today
):
    loan = make_loan()
    reminder = Reminder.objects.create(loan=loan, kind="overdue", due_date=today, channel="print")
    assert (
        loan.visitor.last_name
        in volunteer_client.get(reverse("lending:call_list")).content.decode()
    )
    volunteer_client.post(reverse("lending:reminder_handled", args=[reminder.pk]))
    reminder.refresh_from_db()
    assert reminder.handled_at is not None
    assert (
        loan.visitor.last_name
        not in volunteer_client.get(reverse("lending:call_list")).content.decode()
    )


def test_the_settings_page_refuses_a_negative_deposit(
    digibank, coordinator_client, lending_settings
):
    data = {
        "default_term": "6m",
        "deposit_amount": "-10",
        "social_tariff_amount": "5",
        "eligibility_criteria": ["kansenpas"],
        "reminder_days": "7",
        "agreement_text": "Voorwaarden",
    }
    response = coordinator_client.post(reverse("lending:settings"), data)
    assert response.status_code == 200
    assert "nul" in response.content.decode() or "zero" in response.content.decode()
    lending_settings.refresh_from_db()
    assert lending_settings.default_term == "12m"
    data["deposit_amount"] = "25"
    assert coordinator_client.post(reverse("lending:settings"), data).status_code == 302
    lending_settings.refresh_from_db()
    assert (lending_settings.default_term, str(lending_settings.deposit_amount)) == ("6m", "25.00")


def test_the_waiting_list_shows_the_place_in_line(digibank, make_loan, volunteer_client, today):
    loan = make_loan("requested")
    Device.objects.filter(digibank=digibank).update(status=DeviceStatus.IN_REPAIR)
    from lending import services

    check = EligibilityCheck.objects.create(
        digibank=digibank,
        visitor=loan.visitor,
        criterion="kansenpas",
        proof_seen="gezien",
        checked_on=today,
    )
    services.loan_approve(loan=loan, actor=None, eligibility_check=check, term="12m")
    response = volunteer_client.get(reverse("lending:waiting_list"))
    assert response.context["rows"][0]["place"] == 1
    assert loan.visitor.last_name in response.content.decode()


# -- Panels ------------------------------------------------------------------------------------


def _request_for(user, digibank):
    request = RequestFactory().get("/")
    request.user = user
    request.digibank = digibank
    request.membership = user.memberships.get()
    return request


def test_the_visitor_panel_lists_open_loans_and_history(
    digibank, visitor, volunteer, make_loan, today
):
    from lending import services

    old = make_loan(visitor=visitor, start=today - dt.timedelta(days=20))
    services.loan_return(loan=old, actor=volunteer, returned_on=today, condition="good")
    current = make_loan(visitor=visitor)
    request = _request_for(volunteer, digibank)
    panel = nav.VISITOR_PANELS[0]
    context = panel.context(request, visitor)
    assert [loan.pk for loan in context["open"]] == [current.pk]
    assert [loan.pk for loan in context["history"]] == [old.pk]
    html = render_to_string(panel.template, {"panel": context, "request": request})
    assert current.device.asset_tag in html and old.device.asset_tag in html
    assert reverse("lending:loan_request", args=[visitor.pk]) in html


def test_the_visitor_panel_is_hidden_for_another_digibanks_visitor(
    digibank, other_digibank, volunteer
):
    from tests.registration_factories import VisitorFactory

    foreign = VisitorFactory(digibank=other_digibank)
    assert nav.visitor_panel(_request_for(volunteer, digibank), foreign) is None


def test_the_home_panel_shows_due_today_and_overdue(
    digibank, volunteer, volunteer_client, make_loan, today
):
    loan = make_loan(start=today - dt.timedelta(days=200), term="6m")
    Loan.objects.filter(pk=loan.pk).update(due_date=today - dt.timedelta(days=1))
    context = nav.desk_panel(_request_for(volunteer, digibank))
    assert context["counts"]["overdue"] == 1 and context["counts"]["due_today"] == 0
    html = render_to_string(nav.HOME_PANELS[0].template, {"panel": context})
    assert reverse("lending:due_list") in html


@pytest.mark.parametrize("name", ["lending:overview", "lending:device_list"])
def test_the_navigation_offers_lending_to_the_desk(name, volunteer_client):
    response = volunteer_client.get(reverse(name))
    assert reverse("lending:overview") in response.content.decode()


@pytest.mark.parametrize("status", ["requested", "approved", "active"])
def test_the_loan_page_offers_the_next_steps_for_each_status(
    status, make_loan, coordinator_client, django_assert_max_num_queries
):
    loan = make_loan(status)
    with django_assert_max_num_queries(30):
        response = coordinator_client.get(reverse("lending:loan_detail", args=[loan.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and loan.visitor.last_name in body
    expected = {
        "requested": ["lending:loan_eligibility", "lending:loan_approve", "lending:loan_cancel"],
        "approved": ["lending:loan_pickup", "lending:loan_agreement", "lending:loan_cancel"],
        "active": [
            "lending:loan_return",
            "lending:loan_extend",
            "lending:loan_lost",
            "lending:loan_permanent",
            "lending:loan_check_in_plan",
        ],
    }[status]
    for name in expected:
        assert reverse(name, args=[loan.pk]) in body, name


def test_the_forms_open_for_the_coordinator(digibank, device, visitor, coordinator_client):
    for url in (
        reverse("lending:device_create"),
        reverse("lending:device_edit", args=[device.pk]),
        reverse("lending:device_wipe", args=[device.pk]),
        reverse("lending:settings"),
        reverse("lending:loan_request", args=[visitor.pk]),
        reverse("lending:donation_list"),
    ):
        response = coordinator_client.get(url)
        assert response.status_code == 200, url
        assert "<form" in response.content.decode()


def test_a_referrer_requests_a_device_for_a_visitor_of_the_digibank(
    digibank, visitor, referrer, referrer_client, lending_settings
):
    response = referrer_client.post(
        reverse("lending:loan_request", args=[visitor.pk]),
        {"device_type": "tablet", "request_note": "Videobellen met familie"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    loan = Loan.objects.get(visitor=visitor)
    assert loan.requested_by == referrer and loan.status == LoanStatus.REQUESTED
    assert loan.referrer_organisation == referrer.memberships.get().organisation
    # The referrer does not see the loan itself.
    assert referrer_client.get(reverse("lending:loan_detail", args=[loan.pk])).status_code == 404
