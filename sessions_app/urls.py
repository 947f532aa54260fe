from django.urls import path

from sessions_app import views

app_name = "sessions_app"

urlpatterns = [
    path("", views.programme_internal, name="session_list"),
    path("programma/<slug:slug>/", views.programme_public, name="programme_public"),
    path("activiteiten/", views.activity_list, name="activity_list"),
    path("activiteiten/nieuw/", views.activity_edit, name="activity_create"),
    path("activiteiten/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activiteiten/<int:pk>/bewerken/", views.activity_edit, name="activity_edit"),
    path("activiteiten/<int:pk>/sessies/", views.session_create, name="session_create"),
    path("activiteiten/<int:pk>/inschrijven/", views.enrol, name="enrol"),
    path("themas/nieuw/", views.theme_create, name="theme_create"),
    path("sessies/<int:pk>/annuleren/", views.session_cancel, name="session_cancel"),
    path("sessies/<int:pk>/aanwezigheden/", views.roll_call, name="roll_call"),
    path(
        "sessies/<int:pk>/aanwezigheden/inloper/", views.roll_call_walk_in, name="roll_call_walk_in"
    ),
    path(
        "sessies/<int:pk>/aanwezigheden/anoniem/",
        views.roll_call_anonymous,
        name="roll_call_anonymous",
    ),
    path("sessies/<int:pk>/wensen/", views.theme_wish_add, name="theme_wish_add"),
    path("inschrijvingen/<int:pk>/annuleren/", views.enrolment_cancel, name="enrolment_cancel"),
    path("digipunten/", views.digipunt_list, name="digipunt_list"),
    path("digipunten/<int:pk>/openingsuren/", views.opening_hours, name="opening_hours"),
    path(
        "openingsuren/<int:pk>/verwijderen/",
        views.opening_hours_delete,
        name="opening_hours_delete",
    ),
    path(
        "uitzonderingen/<int:pk>/verwijderen/",
        views.opening_exception_delete,
        name="opening_exception_delete",
    ),
    path("digipunten/<int:pk>/dag/", views.day_view, name="day_view"),
    path("digipunten/<int:pk>/inloop/", views.walk_in_add, name="walk_in_add"),
    path("inloop/<int:pk>/status/", views.walk_in_status, name="walk_in_status"),
    path("inloop/<int:pk>/hulpvraag/", views.walk_in_question, name="walk_in_question"),
    path("afspraken/nieuw/", views.book, name="book"),
    path("afspraken/huisbezoek/", views.home_visit, name="home_visit"),
    path("afspraken/<int:pk>/", views.appointment_detail, name="appointment_detail"),
    path("afspraken/<int:pk>/status/", views.appointment_status, name="appointment_status"),
    path("afspraken/<int:pk>/hulpvraag/", views.appointment_question, name="appointment_question"),
    path("bezoekers/nieuw/", views.visitor_new, name="visitor_new"),
]
