from django.contrib import admin
from django.urls import include, path

from digibank import views

app_urls = (
    [
        path("locaties/", views.location_list, name="location_list"),
        path("locaties/nieuw/", views.location_edit, name="location_create"),
        path("locaties/<int:pk>/", views.location_edit, name="location_edit"),
        path("organisaties/", views.organisation_list, name="organisation_list"),
        path("organisaties/nieuw/", views.organisation_edit, name="organisation_create"),
        path("organisaties/<int:pk>/", views.organisation_edit, name="organisation_edit"),
        path("leden/", views.member_list, name="member_list"),
        path("leden/<int:pk>/", views.membership_edit, name="membership_edit"),
        path(
            "uitnodigingen/<int:pk>/intrekken/", views.invitation_revoke, name="invitation_revoke"
        ),
        path("logboek/", views.audit_log, name="audit_log"),
        path("digibank-kiezen/", views.switch_digibank, name="switch_digibank"),
        path("werkplek/", views.set_desk_location, name="set_desk_location"),
    ],
    "digibank",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("beheer/", include(app_urls)),
    path("uitnodiging/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("bezoekers/", include("registration.urls")),
    path("uitleen/", include("lending.urls")),
    path("vorming/", include("sessions_app.urls")),
    path("rapporten/", include("reporting.urls")),
    path("admin/", admin.site.urls),
]
