from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("departement/", views.department_dashboard, name="department"),
    path("signalen/", views.signal_list, name="signals"),
    # A service key may hold a slash ("outlook / hotmail"): `path`, not `str`.
    path("signalen/<path:key>/", views.signal_detail, name="signal_detail"),
    path("bestanden/", views.report_file_list, name="report_file_list"),
    path("bestanden/<int:pk>/", views.report_file_detail, name="report_file_detail"),
    path("bestanden/<int:pk>/status/", views.report_file_status, name="report_file_status"),
    path("bestanden/<int:pk>/download/", views.report_file_download, name="report_file_download"),
]
