from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigibankConfig(AppConfig):
    name = "digibank"
    verbose_name = _("Digibank")
