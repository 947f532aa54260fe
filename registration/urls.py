from django.urls import include, path

from registration import views

app_name = "registration"

urlpatterns: list = [
    # Legacy import, export, consent texts and privacy pages (issue 4) live in urls_privacy.
    path("", include("registration.urls_privacy")),
    # The desk (digihelpers and coordinators).
    path("balie/", views.desk, name="desk"),
    path("balie/anoniem/", views.anonymous_participation, name="anonymous_participation"),
    path("nieuw/", views.visitor_create, name="visitor_create"),
    path("<int:pk>/deelname/", views.participation_create, name="participation_create"),
    path("opvolging/<int:pk>/klaar/", views.follow_up_done, name="follow_up_done"),
    # Coordinators.
    path("", views.visitor_list, name="visitor_list"),
    path("dubbels/", views.duplicate_candidates, name="duplicate_candidates"),
    path("<int:pk>/", views.visitor_detail, name="visitor_detail"),
    path("<int:pk>/bewerken/", views.visitor_edit, name="visitor_edit"),
    path("<int:pk>/samenvoegen/<int:other_pk>/", views.visitor_merge, name="visitor_merge"),
    path("samenvoegingen/<int:pk>/ongedaan/", views.merge_undo, name="merge_undo"),
    path("<int:pk>/gegevens.json", views.visitor_export_json, name="visitor_export_json"),
    path("<int:pk>/gegevens.pdf", views.visitor_export_pdf, name="visitor_export_pdf"),
    path("<int:pk>/wissen/", views.visitor_erase, name="visitor_erase"),
]
