"""Set-up a new digibank needs from lending (called by `digibank.services.digibank_create`)."""

from lending.models import EligibilityCriterion, LendingSettings, LoanTerm

# Placeholders the coordinator may use in the text: {ontlener}, {toestel}, {einddatum},
# {waarborg}, {digibank}. The agreement PDF also lists borrower, device, term and deposit itself.
DEFAULT_AGREEMENT_TEXT = "\n".join(
    [
        "{digibank} leent het toestel gratis uit aan {ontlener}. "
        "Het toestel blijft eigendom van {digibank}.",
        "De ontlener gebruikt het toestel zelf en met zorg, "
        "en geeft het niet door aan iemand anders.",
        "De ontlener brengt het toestel terug op {einddatum}, "
        "of eerder als hij of zij het niet meer nodig heeft.",
        "Bij het terugbrengen krijgt de ontlener de waarborg van {waarborg} terug "
        "als het toestel in orde is.",
        "Is het toestel stuk, verloren of gestolen? Meld dat dan zo snel mogelijk aan de digibank.",
        "We wissen alle gegevens op het toestel voor het opnieuw wordt uitgeleend.",
        "De ontlener komt naar de afgesproken terugkommomenten.",
    ]
)

DEFAULT_CRITERIA = [
    EligibilityCriterion.UITPAS_KANSENTARIEF,
    EligibilityCriterion.KANSENPAS,
    EligibilityCriterion.INCREASED_ALLOWANCE,
    EligibilityCriterion.LIVING_WAGE,
    EligibilityCriterion.COURSE_OR_TRAJECTORY,
    EligibilityCriterion.SOCIAL_REFERRAL,
]


def digibank_created(digibank) -> None:
    LendingSettings.objects.get_or_create(
        digibank=digibank,
        defaults={
            "default_term": LoanTerm.YEAR_1,
            "eligibility_criteria": [str(c) for c in DEFAULT_CRITERIA],
            "agreement_text": DEFAULT_AGREEMENT_TEXT,
        },
    )


# Rows that belong to a visitor and follow them when two visitors are merged
# (registration.services.visitor_merge): (model label, fields that must stay unique per visitor).
VISITOR_LINKS = [
    ("lending.Loan", ()),
    ("lending.EligibilityCheck", ()),
]
