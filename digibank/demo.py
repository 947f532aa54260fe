"""Demo data: a believable Flemish digibank. `seed_demo` builds the core here, then calls
`seed(demo)` in each app's `demo.py` (registration, sessions_app, lending, reporting)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from digibank.models import Digibank, Location, Organisation, User

DEMO_PASSWORD = "digibank-demo-2026"  # noqa: S105 (public demo login)
# Fixed TOTP secret for the demo's coordinator and department accounts (never in production).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105


@dataclass
class Demo:
    digibank: Digibank
    other_digibank: Digibank
    locations: dict[str, Location]
    organisations: dict[str, Organisation]
    users: dict[str, User]
    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    today: dt.date = field(default_factory=dt.date.today)
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def login(self, role: str) -> User:
        return self.users[role]


ORGANISATIONS = [
    ("OCMW Tienen", Organisation.Type.SOCIAL_SERVICES, True),
    ("Bibliotheek Tienen", Organisation.Type.LIBRARY, True),
    ("VDAB Tienen", Organisation.Type.VDAB, False),
    ("Ligo Brabant-Leuven", Organisation.Type.ADULT_EDUCATION, True),
    ("CVO Leuven-Landen", Organisation.Type.ADULT_EDUCATION, False),
    ("Welzijnsschakel De Brug", Organisation.Type.POVERTY_ORGANISATION, False),
    ("'t Recupke", Organisation.Type.SOCIAL_ECONOMY, True),
    ("Stad Tienen", Organisation.Type.MUNICIPALITY, True),
    ("Gemeente Landen", Organisation.Type.MUNICIPALITY, True),
    ("Sociaal Huis Linter", Organisation.Type.SOCIAL_SERVICES, False),
]

LOCATIONS = [
    (
        "Bibliotheek Tienen",
        Location.Kind.FIXED,
        "Sint-Jorisplein 20",
        "Tienen",
        "Bibliotheek Tienen",
        "Digipunt: dinsdag 13-16 u vrije inloop, donderdag 9-12 u op afspraak.",
    ),
    (
        "'t Recupke Landen",
        Location.Kind.FIXED,
        "Stationsstraat 5",
        "Landen",
        "'t Recupke",
        "Maandag en woensdag 9-12 u.",
    ),
    (
        "Dienstencentrum Linter",
        Location.Kind.FIXED,
        "Stationsstraat 102",
        "Linter",
        "Sociaal Huis Linter",
        "Vrijdag 13-16 u, digicafé elke eerste vrijdag.",
    ),
    (
        "Sociaal Huis Tienen",
        Location.Kind.FIXED,
        "Oude Vestenstraat 25",
        "Tienen",
        "OCMW Tienen",
        "Uitleendienst laptops: afhalen op woensdag 14-16 u.",
    ),
    (
        "Mobiel digipunt markt Tienen",
        Location.Kind.MOBILE,
        "Grote Markt",
        "Tienen",
        "Stad Tienen",
        "Elke maandagvoormiddag op de markt, bij goed weer.",
    ),
    (
        "Hulp aan huis",
        Location.Kind.HOME_VISITS,
        "",
        "Tienen",
        "OCMW Tienen",
        "Op vraag van een maatschappelijk werker.",
    ),
]
