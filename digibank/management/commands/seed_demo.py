import datetime as dt
from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from digibank.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, LOCATIONS, ORGANISATIONS, Demo
from digibank.models import Digibank, Location, Role
from digibank.navigation import NAV_APPS
from digibank.services import digibank_create, location_save, member_create, organisation_save
from digibank.totp import totp_activate, totp_code

DEMO_SLUG = "tienen-landen"
USERS = [
    ("coordinator", "coordinator@digibank-demo.be", "Els Coördinator", Role.COORDINATOR),
    ("volunteer", "digihelper@digibank-demo.be", "Jan Digihelper", Role.VOLUNTEER),
    ("volunteer2", "digihelper2@digibank-demo.be", "Fatou Digihelper", Role.VOLUNTEER),
    ("referrer", "toeleider@digibank-demo.be", "Sofie Maatschappelijk Werker", Role.REFERRER),
    ("department", "departement@digibank-demo.be", "An Departement", Role.DEPARTMENT),
]


class Command(BaseCommand):
    help = "Create a believable demo digibank (Tienen-Landen) with members, partners and data."

    def handle(self, *args, **options):
        if Digibank.objects.filter(slug=DEMO_SLUG).exists():
            self.stdout.write("The demo digibank exists already; nothing added.")
        else:
            with transaction.atomic():
                demo = self._seed_core()
                for app in NAV_APPS[1:]:
                    try:
                        module = import_module(f"{app}.demo")
                    except ModuleNotFoundError:
                        continue
                    module.seed(demo)
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        self._print_logins()

    def _seed_core(self) -> Demo:
        digibank = digibank_create(
            slug=DEMO_SLUG,
            name="Digibank Tienen-Landen",
            start_date=dt.date(2024, 1, 1),
            target_unique_visitors=1000,
            municipalities=["Tienen", "Landen", "Linter", "Hoegaarden"],
        )
        other = digibank_create(
            slug="aalst-demo",
            name="Digibank Aalst (tweede demo)",
            start_date=dt.date(2024, 3, 1),
            municipalities=["Aalst"],
        )
        organisations = {}
        for name, type_, partner in ORGANISATIONS:
            organisations[name] = organisation_save(
                digibank=digibank,
                actor=None,
                name=name,
                type=type_,
                is_partner=partner,
                is_referrer=True,
                active=True,
            )
        locations = {}
        for name, kind, address, municipality, host, notes in LOCATIONS:
            locations[name] = location_save(
                digibank=digibank,
                actor=None,
                name=name,
                kind=kind,
                address=address,
                municipality=municipality,
                host_organisation=organisations[host],
                opening_notes=notes,
                active=True,
            )
        location_save(
            digibank=other,
            actor=None,
            name="Stadsbibliotheek Aalst",
            kind=Location.Kind.FIXED,
            municipality="Aalst",
            active=True,
        )
        users = {}
        for key, email, name, role in USERS:
            membership = member_create(
                email=email,
                password=DEMO_PASSWORD,
                name=name,
                role=role,
                digibank=None if role == Role.DEPARTMENT else digibank,
                organisation=organisations["OCMW Tienen"] if role == Role.REFERRER else None,
            )
            users[key] = membership.user
            if role in (Role.COORDINATOR, Role.DEPARTMENT):
                totp_activate(membership.user, DEMO_TOTP_SECRET)
        member_create(
            email="coordinator@aalst-demo.be",
            password=DEMO_PASSWORD,
            name="Karim Aalst",
            role=Role.COORDINATOR,
            digibank=other,
        )
        return Demo(
            digibank=digibank,
            other_digibank=other,
            locations=locations,
            organisations=organisations,
            users=users,
        )

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Logins (password for all: {DEMO_PASSWORD}):")
        for _key, email, _name, role in USERS:
            needs_code = role in (Role.COORDINATOR, Role.DEPARTMENT)
            extra = "  + two-factor code (see below)" if needs_code else ""
            self.stdout.write(f"  {Role(role).label:<18} {email}{extra}")
        self.stdout.write("")
        self.stdout.write(
            f"Two-factor code: add the secret {DEMO_TOTP_SECRET} to an authenticator app, or run\n"
            "  .venv/bin/python manage.py demo_totp_code\n"
            f"(current code: {totp_code(DEMO_TOTP_SECRET)})"
        )
