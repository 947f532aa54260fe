"""Exports of visitors and participations (django-import-export), for coordinators.

Every text cell is formula-escaped: a value that starts with =, +, -, @, a tab or a carriage
return gets a leading apostrophe, so that a spreadsheet never runs it as a formula."""

from __future__ import annotations

from django.db.models import QuerySet
from import_export import fields, resources

from digibank.models import Digibank
from registration.models import Participation, Visitor

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class EscapedResource(resources.ModelResource):
    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def get_export_headers(self, selected_fields=None):
        return [escape_formula(h) for h in super().get_export_headers(selected_fields)]


class VisitorExportResource(EscapedResource):
    """One row per visitor (merged records are left out: they are part of another visitor)."""

    target_groups = fields.Field(column_name="target_groups")
    consent_version = fields.Field(column_name="consent_version")

    class Meta:
        model = Visitor
        fields = (
            "visitor_code",
            "pseudonymous_code",
            "first_name",
            "last_name",
            "birth_year",
            "postcode",
            "gender",
            "language",
            "education",
            "employment",
            "target_groups",
            "target_groups_answer",
            "phone",
            "email",
            "consent_given_at",
            "consent_version",
            "anonymised_at",
            "erased_at",
            "created_at",
        )
        export_order = fields

    def dehydrate_target_groups(self, visitor: Visitor) -> str:
        return ", ".join(group.code for group in visitor.target_groups.all())

    def dehydrate_consent_version(self, visitor: Visitor):
        return visitor.consent_text.version if visitor.consent_text else ""


class ParticipationExportResource(EscapedResource):
    """One row per participation; the visitor is given by code, never by name."""

    visitor_code = fields.Field(attribute="visitor__visitor_code", column_name="visitor_code")
    location = fields.Field(attribute="location__name", column_name="location")
    referrer_organisation = fields.Field(
        attribute="referrer_organisation__name", column_name="referrer_organisation"
    )

    class Meta:
        model = Participation
        fields = (
            "id",
            "occurred_at",
            "occurred_on",
            "visitor_code",
            "form_of_service",
            "activity_kind",
            "activity_name",
            "location",
            "referrer_organisation",
            "referrer_channel",
            "reported_returning",
        )
        export_order = fields


def visitors_for_export(*, digibank: Digibank) -> QuerySet[Visitor]:
    return (
        Visitor.objects.filter(digibank=digibank, merged_into__isnull=True)
        .select_related("consent_text")
        .prefetch_related("target_groups")
        .order_by("pk")
    )


def participations_for_export(*, digibank: Digibank) -> QuerySet[Participation]:
    return (
        Participation.objects.filter(digibank=digibank)
        .select_related("visitor", "location", "referrer_organisation")
        .order_by("occurred_at", "pk")
    )


EXPORTS = {
    "visitors": (VisitorExportResource, visitors_for_export),
    "participations": (ParticipationExportResource, participations_for_export),
}


def export_build(*, digibank: Digibank, actor, kind: str, file_format: str) -> tuple[bytes, int]:
    """The export file's bytes and its number of rows; the download is audited."""
    from django.db import transaction

    from digibank.audit import audit_log

    resource_class, queryset_for = EXPORTS[kind]
    dataset = resource_class().export(queryset=queryset_for(digibank=digibank))
    if file_format == "csv":
        content = dataset.export("csv", delimiter=";").encode("utf-8-sig")
    else:
        content = dataset.export("xlsx")
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="registration.export.downloaded",
            digibank=digibank,
            object_repr=f"{kind}.{file_format}",
            data={"kind": kind, "format": file_format, "rows": dataset.height},
        )
    return content, dataset.height
