"""Readable (translated) names for the category codes the indicators return."""

from __future__ import annotations

from django.utils.translation import gettext as _

from registration.hooks import DEFAULT_TARGET_GROUPS
from registration.models import (
    ActivityKind,
    Education,
    Employment,
    FormOfService,
    Gender,
    InternalDestination,
    Language,
    Outcome,
    ReferrerChannel,
)


def _age_bands() -> dict[str, str]:
    return {
        "under_25": _("under 25"),
        "25_54": _("25-54"),
        "55_64": _("55-64"),
        "65_74": _("65-74"),
        "75_plus": _("75 and older"),
        "unknown": _("Unknown"),
    }


def _target_groups() -> dict[str, str]:
    names = {code: str(name) for code, name, _dept in DEFAULT_TARGET_GROUPS}
    return {**names, "declined": _("Prefers not to say"), "unknown": _("Unknown")}


def _fields() -> dict[str, str]:
    return {
        "birth_year": _("Birth year"),
        "postcode": _("Postcode"),
        "gender": _("Gender"),
        "language": _("Language"),
        "education": _("Education"),
        "employment": _("Employment status"),
        "target_groups": _("Target groups"),
        "age_band": _("Age"),
        "referrer_channel": _("Referred by (channel)"),
    }


def label(dimension: str, code: str | None) -> str:
    """The readable name of `code` in `dimension`; the code itself when unknown to us."""
    if code is None or code == "":
        return _("Unknown")
    choices = {
        "form": FormOfService,
        "gender": Gender,
        "language": Language,
        "education": Education,
        "employment": Employment,
        "referrer_channel": ReferrerChannel,
        "outcome": Outcome,
        "activity_kind": ActivityKind,
        "internal_destination": InternalDestination,
    }.get(dimension)
    if choices is not None:
        mapping = {str(value): str(name) for value, name in choices.choices}
        if code == "unknown":
            return _("Unknown")
        return mapping.get(code, code)
    if dimension == "age_band":
        return _age_bands().get(code, code)
    if dimension == "target_groups":
        return _target_groups().get(code, code)
    if dimension == "field":
        return _fields().get(code, code)
    if dimension == "organisation_type":
        from digibank.models import Organisation

        if code == "unknown":
            return _("Unknown")
        return str(dict(Organisation.Type.choices).get(code, code))
    if dimension == "combination":
        return " + ".join(label("form", part) for part in code.split("+"))
    return code
