"""Indexes on the registration ledger that the indicators need (PostgreSQL only; a no-op on
SQLite). Registration owns those tables, so the indexes are added here with IF NOT EXISTS."""

from django.db import migrations

INDEXES = [
    # Scope of every indicator: one digibank (or all) and a period, with the columns they read.
    (
        "reporting_participation_scope_idx",
        "CREATE INDEX IF NOT EXISTS reporting_participation_scope_idx "
        "ON registration_participation (digibank_id, occurred_on) "
        "INCLUDE (id, visitor_id, location_id, form_of_service, activity_kind, "
        "referrer_organisation_id, referrer_channel, occurred_at)",
    ),
    # The department report over all digibanks for a period.
    (
        "reporting_participation_day_idx",
        "CREATE INDEX IF NOT EXISTS reporting_participation_day_idx "
        "ON registration_participation (occurred_on) "
        "INCLUDE (id, digibank_id, visitor_id, location_id, form_of_service, activity_kind, "
        "referrer_organisation_id, referrer_channel, occurred_at)",
    ),
    # The surviving visitor of a participation (merges), read from the index alone.
    (
        "reporting_visitor_survivor_idx",
        "CREATE INDEX IF NOT EXISTS reporting_visitor_survivor_idx "
        "ON registration_visitor (digibank_id, id) INCLUDE (merged_into_id)",
    ),
    # The few merged visitors: the survivor of a participation without reading every visitor.
    (
        "reporting_visitor_merged_idx",
        "CREATE INDEX IF NOT EXISTS reporting_visitor_merged_idx "
        "ON registration_visitor (id) INCLUDE (merged_into_id) WHERE merged_into_id IS NOT NULL",
    ),
    # First participation ever of a visitor (new vs already known).
    (
        "reporting_participation_first_idx",
        "CREATE INDEX IF NOT EXISTS reporting_participation_first_idx "
        "ON registration_participation (visitor_id, occurred_on) WHERE visitor_id IS NOT NULL",
    ),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _name, sql in INDEXES:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_report_file"),
        ("registration", "0002_help_categories"),
    ]

    operations = [migrations.RunPython(create, drop)]
