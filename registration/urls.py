from django.urls import include, path

app_name = "registration"

urlpatterns: list = [
    # Legacy import, export, consent texts and privacy pages (issue 4) live in urls_privacy.
    path("", include("registration.urls_privacy")),
]
