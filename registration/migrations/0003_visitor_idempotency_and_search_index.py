from django.conf import settings
from django.db import migrations, models


# Desk search (`search_text LIKE '%frag%'`) uses a trigram index on PostgreSQL. SQLite (the demo)
# has no pg_trgm: there this does nothing and the search scans, which is fine at demo size.
def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS visitor_search_trgm_idx "
        "ON registration_visitor USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS visitor_search_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("digibank", "0002_retention_and_privacy_contact"),
        ("registration", "0002_help_categories"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="visitor",
            name="idempotency_key",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True),
        ),
        migrations.AddConstraint(
            model_name="visitor",
            constraint=models.UniqueConstraint(
                condition=models.Q(("idempotency_key__isnull", False)),
                fields=("digibank", "idempotency_key"),
                name="visitor_idempotency_unique",
            ),
        ),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]
