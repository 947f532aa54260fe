from django.db import migrations

# The national taxonomy of help questions (codes are stable; names are Dutch, as shown in reports).
CATEGORIES = [
    ("government_login", "Inloggen bij de overheid / itsme"),
    ("tax", "Belastingen (MyMinfin)"),
    ("government_mail", "eBox, Doccle en post van de overheid"),
    ("health", "Ziekenfonds en gezondheidsapps"),
    ("banking", "Bankieren en betalen"),
    ("email", "E-mail"),
    ("device_setup", "Smartphone of tablet instellen"),
    ("new_device", "Nieuw toestel / gegevens overzetten"),
    ("apps", "Apps en installeren"),
    ("safety", "Veiligheid, phishing, gehackt"),
    ("job_search", "Werk zoeken / VDAB"),
    ("housing", "Wonen / sociale huisvesting"),
    ("school_apps", "Schoolapps"),
    ("vouchers", "Eco- en maaltijdcheques"),
    ("printing", "Printen en scannen"),
    ("other", "Andere"),
]


def seed(apps, schema_editor):
    HelpCategory = apps.get_model("registration", "HelpCategory")
    for order, (code, name) in enumerate(CATEGORIES):
        HelpCategory.objects.update_or_create(code=code, defaults={"name": name, "order": order})


def unseed(apps, schema_editor):
    apps.get_model("registration", "HelpCategory").objects.filter(code__in=[c for c, _ in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("registration", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
