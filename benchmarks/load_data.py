"""Accounts for the load scenario (benchmarks/locustfile.py): run once before locust.

    DATABASE_URL=... python benchmarks/load_data.py

Creates (idempotently) 50 digihelpers `load-desk-N@example.be` and 5 coordinators
`load-coord-N@example.be` (TOTP secret LOAD_TOTP_SECRET), all with the password LOAD_PASSWORD,
in the digibank LOAD_DIGIBANK. Run it on the national-scale database of the reporting benchmark
(53 digibanks, 100,000 visitors, 1,000,000 participations): there the largest digibank is
used and its visitors get their search fields; on an empty database a digibank `load` with
three locations is created.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digibank.settings")

DIGIBANK_SLUG = "load"
DESK_USERS = 50
COORDINATORS = 5
PASSWORD = os.environ.get("LOAD_PASSWORD", "load-test-password-2025")
TOTP_SECRET = os.environ.get("LOAD_TOTP_SECRET", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ")


def desk_email(number: int) -> str:
    return f"load-desk-{number}@example.be"


def coordinator_email(number: int) -> str:
    return f"load-coord-{number}@example.be"


def main() -> None:
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.db.models import Count

    from digibank.models import Digibank, Location, Membership, Role, User
    from digibank.services import digibank_create
    from digibank.totp import totp_activate
    from registration.models import Visitor
    from registration.services import visitor_refresh_identity

    wanted = os.environ.get("LOAD_DIGIBANK")
    digibank = (
        Digibank.objects.filter(slug=wanted).first()
        if wanted
        else Digibank.objects.annotate(n=Count("visitors")).filter(n__gt=0).order_by("-n").first()
    ) or Digibank.objects.filter(slug=DIGIBANK_SLUG).first()
    if digibank is None:
        digibank = digibank_create(
            slug=DIGIBANK_SLUG, name="Digibank Belasting", municipalities=["Leuven", "Tienen"]
        )
    # The benchmark generator writes visitors in SQL without the desk's search fields.
    missing = list(Visitor.objects.filter(digibank=digibank, search_text=""))
    for visitor in missing:
        visitor_refresh_identity(visitor)
    Visitor.objects.bulk_update(
        missing, ["search_text", "norm_first_name", "norm_last_name", "pseudonymous_code"], 1000
    )
    for number, name in enumerate(("Bibliotheek", "OCMW", "Buurthuis")):
        Location.objects.get_or_create(
            digibank=digibank,
            slug=f"load-{number}",
            defaults={"name": f"{name} (belasting)", "municipality": "Leuven"},
        )
    people = [(desk_email(n), Role.VOLUNTEER) for n in range(DESK_USERS)]
    people += [(coordinator_email(n), Role.COORDINATOR) for n in range(COORDINATORS)]
    for email, role in people:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, PASSWORD, name=email.split("@")[0])
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        Membership.objects.get_or_create(user=user, digibank=digibank, defaults={"role": role})
        if role == Role.COORDINATOR:
            totp_activate(user, TOTP_SECRET)
    print(f"{len(people)} load accounts in {digibank.name}; password {PASSWORD!r}")


if __name__ == "__main__":
    main()
