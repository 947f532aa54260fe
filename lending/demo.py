"""Demo data for the lending service: a donation batch, refurbished purchases and loans in
every state, for the visitors the registration demo created (called by `seed_demo`)."""

from __future__ import annotations

import datetime as dt

from lending import services
from lending.models import (
    DepositKind,
    DeviceCondition,
    DeviceSource,
    EligibilityCriterion,
    LoanTerm,
    WipeMethod,
)
from registration.models import Visitor
from registration.services import assign_visitor_code, visitor_refresh_identity

FALLBACK_VISITORS = [
    ("Amina", "El Idrissi", 1994, "3300"),
    ("Jozef", "Peeters", 1951, "3400"),
    ("Oksana", "Kovalenko", 1987, "3300"),
    ("Mohamed", "Diallo", 2001, "3350"),
    ("Maria", "Janssens", 1962, "3320"),
    ("Yusuf", "Demir", 1979, "3300"),
    ("Lies", "Vermeulen", 1998, "3400"),
    ("Ahmad", "Rahimi", 1990, "3300"),
    ("Fatma", "Yilmaz", 1968, "3350"),
    ("Pieter", "Claes", 1958, "3300"),
    ("Hanna", "Tesfaye", 2003, "3400"),
    ("Rik", "Wouters", 1949, "3320"),
    ("Nadia", "Benali", 1985, "3300"),
    ("Tom", "De Smet", 1972, "3400"),
    ("Sara", "Mertens", 1996, "3300"),
    ("Ilse", "Maes", 1966, "3350"),
]


def _visitors(demo) -> list[Visitor]:
    visitors = list(
        Visitor.objects.filter(
            digibank=demo.digibank, merged_into__isnull=True, erased_at__isnull=True
        ).order_by("id")[:16]
    )
    for first, last, year, postcode in FALLBACK_VISITORS[len(visitors) :]:
        visitor = Visitor(
            digibank=demo.digibank,
            first_name=first,
            last_name=last,
            birth_year=year,
            postcode=postcode,
        )
        assign_visitor_code(visitor)
        visitor_refresh_identity(visitor)
        visitor.save()
        visitors.append(visitor)
    return visitors


def seed(demo) -> None:
    digibank, today = demo.digibank, demo.today
    coordinator, helper = demo.users["coordinator"], demo.users["volunteer"]
    services.settings_for(digibank)
    store = demo.locations["Sociaal Huis Tienen"]
    recupke_location = demo.locations["'t Recupke Landen"]
    recupke = demo.organisations["'t Recupke"]
    ocmw = demo.organisations["OCMW Tienen"]

    donation = services.donation_create(
        digibank=digibank,
        actor=coordinator,
        donor_name="Brouwerij Den Tiense Hop NV",
        donor_contact="Karel Van Hove (IT)",
        received_on=today - dt.timedelta(days=420),
        device_count=10,
    )
    devices = []
    for n in range(10):
        devices.append(
            services.device_create(
                digibank=digibank,
                actor=coordinator,
                type="laptop",
                brand="Dell",
                model_name="Latitude 5400",
                serial_number=f"DL5400-{4711 + n}",
                asset_tag=f"TL-{n + 1:04d}",
                source=DeviceSource.DONATED,
                donation=donation,
                refurbishing_partner=recupke,
                condition=DeviceCondition.GOOD,
                location=store,
            )
        )
        services.wipe_record(
            device=devices[-1],
            actor=helper,
            wiped_on=donation.received_on + dt.timedelta(days=12),
            method=WipeMethod.OVERWRITE,
            performed_by="Luc, 't Recupke",
            tool="nwipe (DoD short)",
        )
    purchases = [
        *[("laptop", "Lenovo", "ThinkPad T480", f"PF-1R{n:04d}") for n in range(8)],
        ("tablet", "Samsung", "Galaxy Tab A8", "R9TT-001"),
        ("tablet", "Samsung", "Galaxy Tab A8", "R9TT-002"),
        ("tablet", "Apple", "iPad 9", "DMPXQ-03"),
        ("smartphone", "Motorola", "moto g54", "ZY22-004"),
        ("card_reader", "ACS", "ACR39U", "ACR39-0005"),
    ]
    for n, (type_, brand, model, serial) in enumerate(purchases):
        devices.append(
            services.device_create(
                digibank=digibank,
                actor=coordinator,
                type=type_,
                brand=brand,
                model_name=model,
                serial_number=serial,
                asset_tag=f"TL-{n + 11:04d}",
                source=DeviceSource.PURCHASED_REFURBISHED
                if type_ == "laptop"
                else DeviceSource.PURCHASED_NEW,
                refurbishing_partner=recupke if type_ == "laptop" else None,
                condition=DeviceCondition.GOOD if type_ == "laptop" else DeviceCondition.NEW,
                location=store if n % 3 else recupke_location,
            )
        )
    services.device_create(
        digibank=digibank,
        actor=coordinator,
        type="assistive",
        brand="Clevy",
        model_name="Toetsenbord met grote toetsen",
        serial_number="CLEVY-2209",
        asset_tag="TL-0024",
        source=DeviceSource.PURCHASED_NEW,
        condition=DeviceCondition.NEW,
        accessibility_software="NVDA schermlezer, ZoomText",
        location=store,
    )
    services.device_create(
        digibank=digibank,
        actor=coordinator,
        type="laptop",
        brand="HP",
        model_name="ProBook 450 G5",
        serial_number="5CD8-BROKEN",
        asset_tag="TL-0025",
        source=DeviceSource.PURCHASED_REFURBISHED,
        refurbishing_partner=recupke,
        condition=DeviceCondition.BROKEN,
        notes="Scherm kapot, wacht op onderdeel.",
    )
    laptops = [d for d in devices if d.type == "laptop"]
    tablets = [d for d in devices if d.type == "tablet"]
    people = _visitors(demo)
    criteria = [
        (EligibilityCriterion.UITPAS_KANSENTARIEF, "UiTPAS kansentarief gezien"),
        (EligibilityCriterion.COURSE_OR_TRAJECTORY, "Inschrijvingsbewijs Ligo NT2 gezien"),
        (EligibilityCriterion.KANSENPAS, "Kansenpas gezien"),
        (EligibilityCriterion.INCREASED_ALLOWANCE, "Klevertje ziekenfonds (VT) gezien"),
        (EligibilityCriterion.LIVING_WAGE, "Attest leefloon OCMW gezien"),
    ]

    def lend(visitor, device, days_ago, *, term=LoanTerm.YEAR_1, deposit=DepositKind.STANDARD):
        loan = services.loan_request(
            visitor=visitor,
            actor=helper,
            device_type=device.type,
            location=store,
            referrer_organisation=ocmw,
            request_note="Nodig voor de cursus en om te solliciteren.",
        )
        criterion, proof = criteria[visitor.pk % len(criteria)]
        check = services.eligibility_check_record(
            visitor=visitor,
            actor=helper,
            criterion=criterion,
            proof_seen=proof,
            valid_until=today + dt.timedelta(days=200),
        )
        loan = services.loan_approve(
            loan=loan,
            actor=coordinator,
            eligibility_check=check,
            term=term,
            deposit_kind=deposit,
            deposit_waived_reason="Leefloon, doorverwezen door OCMW"
            if deposit == DepositKind.WAIVED
            else "",
            device=device,
            location=store,
        )
        if days_ago is None:
            return loan
        return services.loan_pickup(
            loan=loan,
            actor=helper,
            picked_up_on=today - dt.timedelta(days=days_ago),
            agreement_signed=True,
            deposit_paid=True,
        )

    # Active: recent, mid-term, one due soon, one overdue, one extended.
    lend(people[0], laptops[0], 20)
    lend(people[1], tablets[0], 60, term=LoanTerm.MONTHS_6, deposit=DepositKind.SOCIAL_TARIFF)
    soon = lend(people[2], laptops[1], 175, term=LoanTerm.MONTHS_6)
    overdue = lend(people[3], laptops[2], 200, term=LoanTerm.MONTHS_6, deposit=DepositKind.WAIVED)
    extended = lend(people[4], laptops[3], 190, term=LoanTerm.MONTHS_6)
    services.loan_extend(
        loan=extended,
        actor=coordinator,
        new_due_date=extended.due_date + dt.timedelta(days=90),
        reason="Opleiding bij VDAB loopt drie maanden langer.",
    )
    services.loan_intro_course_done(loan=soon, actor=helper)
    del overdue
    # Returned (one deposit refunded), one came back broken.
    for person, device, ago, back, condition in (
        (people[5], laptops[4], 330, 40, DeviceCondition.GOOD),
        (people[6], laptops[5], 300, 100, DeviceCondition.FAIR),
        (people[7], tablets[1], 250, 30, DeviceCondition.GOOD),
        (people[8], laptops[6], 380, 15, DeviceCondition.BROKEN),
    ):
        loan = lend(person, device, ago)
        loan = services.loan_return(
            loan=loan,
            actor=helper,
            returned_on=today - dt.timedelta(days=back),
            condition=condition,
            notes="Lader mee terug." if condition != DeviceCondition.BROKEN else "Valt uit.",
        )
        if back > 20:
            services.loan_refund_deposit(loan=loan, actor=helper)
            services.wipe_record(
                device=device,
                actor=helper,
                wiped_on=today - dt.timedelta(days=back - 2),
                method=WipeMethod.FACTORY_RESET
                if device.type == "tablet"
                else WipeMethod.OVERWRITE,
                performed_by="Jan Digihelper",
                tool="nwipe" if device.type == "laptop" else "",
            )
    # Lost and permanent.
    lost = lend(people[9], laptops[7], 150)
    services.loan_report_lost(
        loan=lost,
        actor=helper,
        lost_on=today - dt.timedelta(days=12),
        notes="Gestolen uit de auto; aangifte bij de politie gedaan.",
    )
    permanent = lend(people[10], laptops[8], 400)
    services.loan_make_permanent(
        loan=permanent,
        actor=coordinator,
        reason="Blijvende nood: studeert thuis, geen middelen voor een eigen toestel.",
    )
    # Approved, pick-up tomorrow; two requests waiting for approval; one on the waiting list.
    approved = lend(people[11], laptops[9], None)
    approved.pickup_planned_at = approved.approved_at + dt.timedelta(days=1)
    approved.save(update_fields=["pickup_planned_at"])
    services.loan_request(visitor=people[12], actor=helper, device_type="laptop", location=store)
    services.loan_request(
        visitor=people[13],
        actor=demo.users["referrer"],
        device_type="tablet",
        referrer_organisation=ocmw,
        request_note="Mevrouw wil videobellen met haar kleinkinderen.",
    )
    smartphone = next(d for d in devices if d.type == "smartphone")
    lend(people[15], smartphone, None, term=LoanTerm.MONTHS_3)
    waiting = services.loan_request(
        visitor=people[14], actor=helper, device_type="smartphone", location=store
    )
    services.loan_approve(
        loan=waiting,
        actor=coordinator,
        eligibility_check=services.eligibility_check_record(
            visitor=people[14],
            actor=coordinator,
            criterion=EligibilityCriterion.NONE,
            override_reason="Nieuwkomer, nog geen attesten; maatschappelijk werker bevestigt.",
        ),
        term=LoanTerm.MONTHS_3,
        device=None,
    )
