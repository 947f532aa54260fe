"""Walkthroughs of a coordinator: lend a laptop, merge duplicates, import a legacy file."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from digibank.models import Role
from lending.models import DepositKind, EligibilityCriterion, Loan, LoanStatus
from registration.models import FormOfService, Participation, Visitor, VisitorMerge
from tests.e2e.conftest import VIEWPORTS
from tests.e2e.helpers import assert_accessible, log_in, nl
from tests.factories import make_member
from tests.lending.factories import DeviceFactory
from tests.registration_factories import ParticipationFactory, VisitorFactory

# The example file of /work/shared/data, kept in the repository by the import tests.
LEGACY_FILE = (
    Path(__file__).parent.parent / "importprivacy" / "data" / ("legacy_registrations_example.csv")
)


@pytest.fixture
def coordinator(seeded_digibank):
    return make_member(Role.COORDINATOR, seeded_digibank, name="Cas Coördinator")


def _click(page, locator) -> None:
    locator.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", VIEWPORTS, indirect=True)
def test_a_coordinator_lends_a_laptop_and_prints_the_agreement(
    page, seeded_digibank, coordinator, viewport
):
    library = seeded_digibank.locations.get(name="Bibliotheek Tienen")
    device = DeviceFactory(
        digibank=seeded_digibank,
        serial_number="PF2XK9Q7",
        asset_tag="TL-0042",
        brand="Lenovo",
        model_name="ThinkPad T480",
        location=library,
    )
    visitor = VisitorFactory(digibank=seeded_digibank, first_name="Amina", last_name="El Idrissi")
    log_in(page, coordinator)

    # From the visitor's page: request a laptop.
    page.goto(f"/bezoekers/{visitor.pk}/")
    assert_accessible(page)
    _click(page, page.get_by_role("link", name=nl("Request a device")))
    assert_accessible(page)
    page.locator("#id_device_type").select_option("laptop")
    page.locator("#id_location").select_option(label="Bibliotheek Tienen")
    page.locator("#id_request_note").fill("Volgt een opleiding bij VDAB en heeft thuis geen pc")
    _click(page, page.locator("main form button[type=submit]"))
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Amina El Idrissi")
    assert_accessible(page)
    loan = Loan.objects.get(visitor=visitor)
    assert (loan.status, loan.device_type, loan.requested_by) == (
        LoanStatus.REQUESTED,
        "laptop",
        coordinator,
    )

    # 1. The proof seen (never a copy of it).
    form = page.locator("[aria-labelledby=eligibility-title] form")
    form.locator("[name=criterion]").select_option(EligibilityCriterion.UITPAS_KANSENTARIEF)
    form.locator("[name=proof_seen]").fill("UiTPAS kansentarief gezien")
    valid_until = timezone.localdate() + dt.timedelta(days=200)
    form.locator("[name=valid_until]").fill(valid_until.isoformat())
    _click(page, form.locator("button[type=submit]"))
    expect(page.locator(".message-success")).to_be_visible()
    assert_accessible(page)

    # 2. Approve with that check, the social tariff and this laptop.
    form = page.locator("[aria-labelledby=approve-title] form")
    expect(form.locator("[name=eligibility_check]")).not_to_have_value("")
    form.locator("[name=term]").select_option("12m")
    form.locator("[name=deposit_kind]").select_option(DepositKind.SOCIAL_TARIFF)
    form.locator("[name=device]").select_option(str(device.pk))
    _click(page, form.locator("button[type=submit]"))
    expect(page.locator(".message-success")).to_contain_text(nl("The request has been approved."))
    assert_accessible(page)
    loan.refresh_from_db()
    assert (loan.status, loan.device, loan.approved_by) == (
        LoanStatus.APPROVED,
        device,
        coordinator,
    )
    assert loan.eligibility_check.criterion == EligibilityCriterion.UITPAS_KANSENTARIEF
    assert loan.eligibility_check.valid_until == valid_until

    # 3. Pick-up: deposit paid, agreement signed.
    form = page.locator("[aria-labelledby=pickup-title] form")
    form.locator("[name=deposit_paid]").check()
    form.locator("[name=agreement_signed]").check()
    _click(page, form.locator("button[type=submit]"))
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("main dl")).to_contain_text(nl("On loan"))
    assert_accessible(page)
    loan.refresh_from_db()
    device.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    assert loan.start_date == timezone.localdate()
    assert loan.deposit_paid_at is not None
    assert device.status == "on_loan"
    assert Participation.objects.filter(
        visitor=visitor, form_of_service=FormOfService.LENDING
    ).exists()

    # Two more check-in moments: each open one gets its own small form (and ids) on the page.
    planned = loan.check_ins.count()
    for weeks in (5, 9):
        form = page.locator("[aria-labelledby=checkin-title] form")
        day = timezone.localdate() + dt.timedelta(weeks=weeks)
        form.locator("[name=planned_on]").fill(day.isoformat())
        _click(page, form.locator("button[type=submit]"))
        expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("form[action*='/terugkommomenten/']")).to_have_count(planned + 2)
    assert_accessible(page)
    assert loan.check_ins.filter(done_on=None).count() == planned + 2

    # The agreement link answers a PDF naming the borrower, the serial number and the term.
    link = page.get_by_role("link", name=nl("Print the loan agreement (PDF)"))
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(response.body())).pages)
    text = " ".join(text.split())
    assert "Amina El Idrissi" in text
    assert "PF2XK9Q7" in text
    assert f"{nl('Term')} {nl('1 year')}" in text


def test_a_coordinator_merges_two_duplicates_and_undoes_it(page, seeded_digibank, coordinator):
    library = seeded_digibank.locations.get(name="Bibliotheek Tienen")
    first = VisitorFactory(
        digibank=seeded_digibank, first_name="Jozef", last_name="Vermeulen", birth_year=1950
    )
    second = VisitorFactory(
        digibank=seeded_digibank, first_name="Jozef", last_name="Vermeulem", birth_year=1950
    )
    for visitor, days_ago in ((first, 30), (first, 20), (second, 3)):
        at = timezone.now() - dt.timedelta(days=days_ago)
        ParticipationFactory(visitor=visitor, location=library, occurred_at=at)
    ids = set(Participation.objects.values_list("pk", flat=True))
    log_in(page, coordinator)
    page.get_by_role("navigation", name=nl("Main menu")).get_by_role(
        "link", name=nl("Visitors"), exact=True
    ).click()
    page.wait_for_load_state()
    assert_accessible(page)
    _click(page, page.get_by_role("link", name=nl("Possible duplicates")))
    expect(page.locator("main table")).to_contain_text("Jozef Vermeulem")
    assert_accessible(page)
    _click(page, page.get_by_role("link", name=nl("Compare and merge")))
    expect(page.locator("h1")).to_have_text(nl("Merge two records of the same person"))
    assert_accessible(page)
    page.get_by_label(re.compile(first.visitor_code)).check()
    _click(page, page.get_by_role("button", name=nl("Merge"), exact=True))
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Jozef Vermeulen")
    assert_accessible(page)

    second.refresh_from_db()
    assert second.merged_into == first
    assert Participation.objects.filter(visitor=first).count() == 3
    assert set(Participation.objects.values_list("pk", flat=True)) == ids  # nothing lost

    page.once("dialog", lambda dialog: dialog.accept())  # "Undo this merge?"
    _click(page, page.get_by_role("button", name=nl("Undo merge")))
    expect(page.locator(".message-success")).to_contain_text(nl("The merge has been undone."))
    assert_accessible(page)
    second.refresh_from_db()
    assert second.merged_into is None
    assert Participation.objects.filter(visitor=first).count() == 2
    assert Participation.objects.filter(visitor=second).count() == 1
    assert VisitorMerge.objects.get().undone_by == coordinator


def _stat(page, label: str) -> int:
    """The number a summary tile with this exact label shows."""
    tile = page.locator(".stat", has=page.get_by_text(label, exact=True))
    return int(tile.locator("dd").inner_text())


def test_a_coordinator_imports_the_legacy_file(page, seeded_digibank, coordinator):
    log_in(page, coordinator)
    page.get_by_role("navigation", name=nl("Main menu")).get_by_role(
        "link", name=nl("Import"), exact=True
    ).click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.locator("input[type=file]").set_input_files(LEGACY_FILE)
    _click(page, page.get_by_role("button", name=nl("Check the file")))
    expect(page.locator("h1")).to_have_text(nl("Check the import"))
    assert_accessible(page)
    assert not Participation.objects.exists()  # a preview saves nothing

    preview = {
        label: _stat(page, nl(label))
        for label in (
            "Rows read",
            "Participations to create",
            "New visitors",
            "Anonymous participations",
            "Rejected rows",
        )
    }
    assert preview["Rows read"] == 53
    assert preview["Rejected rows"] == 0
    # "Markt Tienen" is the digipunt we already know; the other unknown places are created.
    page.get_by_label(nl("Location '%(name)s'", name="Markt Tienen")).select_option(
        label="Digipunt OCMW"
    )
    _click(page, page.get_by_role("button", name=nl("Import now")))
    expect(page.locator(".message-success")).to_contain_text(nl("The file has been imported."))
    expect(page.locator("h1")).to_have_text(nl("Import done"))
    assert_accessible(page)

    created = _stat(page, nl("Participations created"))
    visitors = _stat(page, nl("New visitors created"))
    anonymous = _stat(page, nl("Anonymous participations"))
    assert (created, visitors, anonymous) == (
        preview["Participations to create"],
        preview["New visitors"],
        preview["Anonymous participations"],
    )
    ledger = Participation.objects.filter(digibank=seeded_digibank)
    assert ledger.count() == created
    assert ledger.filter(visitor=None).count() == anonymous
    assert Visitor.objects.filter(digibank=seeded_digibank).count() == visitors
    assert not seeded_digibank.locations.filter(name="Markt Tienen").exists()
    assert ledger.filter(location__name="Digipunt OCMW").exists()
    assert seeded_digibank.locations.filter(name="'t Recupke Landen").exists()
