"""Legacy import, exports, consent texts, retention and privacy pages (namespace registration:)."""

from django.urls import path

from registration import views_privacy as views

urlpatterns: list = [
    path("inlezen/", views.import_upload, name="import_upload"),
    path("inlezen/<int:pk>/", views.import_preview, name="import_preview"),
    path("inlezen/<int:pk>/verwijderen/", views.import_discard, name="import_discard"),
    path("export/", views.export_page, name="export"),
    path("toestemming/", views.consent_texts, name="consent_texts"),
    path("bewaartermijn/", views.retention_preview, name="retention_preview"),
    path("toegangslog/", views.access_log, name="access_log"),
    path("privacy/<slug:slug>/", views.privacy_page, name="privacy_page"),
]
