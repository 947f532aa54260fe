from django.urls import path

from lending import views

app_name = "lending"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("vervaldata/", views.due_list, name="due_list"),
    path("toestellen/", views.device_list, name="device_list"),
    path("toestellen/etiketten/", views.device_labels, name="device_labels"),
    path("toestellen/nieuw/", views.device_edit, name="device_create"),
    path("toestellen/<int:pk>/", views.device_detail, name="device_detail"),
    path("toestellen/<int:pk>/bewerken/", views.device_edit, name="device_edit"),
    path("toestellen/<int:pk>/wissen/", views.device_wipe, name="device_wipe"),
    path("toestellen/<int:pk>/status/", views.device_status, name="device_status"),
    path("schenkingen/", views.donation_list, name="donation_list"),
    path("schenkingen/<int:pk>/", views.donation_detail, name="donation_detail"),
    path("schenkingen/<int:pk>/wisverklaring.pdf", views.donation_pdf, name="donation_pdf"),
    path("uitleningen/", views.loan_list, name="loan_list"),
    path("aanvragen/bezoeker/<int:visitor_pk>/", views.loan_request, name="loan_request"),
    path("uitleningen/<int:pk>/", views.loan_detail, name="loan_detail"),
    path("uitleningen/<int:pk>/geschiktheid/", views.loan_eligibility, name="loan_eligibility"),
    path("uitleningen/<int:pk>/goedkeuren/", views.loan_approve, name="loan_approve"),
    path("uitleningen/<int:pk>/reserveren/", views.loan_book_pickup, name="loan_book_pickup"),
    path("uitleningen/<int:pk>/afhalen/", views.loan_pickup, name="loan_pickup"),
    path("uitleningen/<int:pk>/verlengen/", views.loan_extend, name="loan_extend"),
    path("uitleningen/<int:pk>/definitief/", views.loan_permanent, name="loan_permanent"),
    path("uitleningen/<int:pk>/terugbrengen/", views.loan_return, name="loan_return"),
    path("uitleningen/<int:pk>/verloren/", views.loan_lost, name="loan_lost"),
    path("uitleningen/<int:pk>/annuleren/", views.loan_cancel, name="loan_cancel"),
    path(
        "uitleningen/<int:pk>/terugkommoment/", views.loan_check_in_plan, name="loan_check_in_plan"
    ),
    path(
        "uitleningen/<int:pk>/waarborg-betaald/",
        views.loan_simple_action,
        {"action": "deposit"},
        name="loan_deposit",
    ),
    path(
        "uitleningen/<int:pk>/waarborg-terug/",
        views.loan_simple_action,
        {"action": "refund"},
        name="loan_refund",
    ),
    path(
        "uitleningen/<int:pk>/startcursus/",
        views.loan_simple_action,
        {"action": "intro"},
        name="loan_intro_done",
    ),
    path(
        "uitleningen/<int:pk>/bruikleenovereenkomst.pdf",
        views.loan_agreement,
        name="loan_agreement",
    ),
    path("terugkommomenten/<int:pk>/", views.check_in_record, name="check_in_record"),
    path("wachtlijst/", views.waiting_list, name="waiting_list"),
    path("belijst/", views.call_list, name="call_list"),
    path("herinneringen/<int:pk>/gedaan/", views.reminder_handled, name="reminder_handled"),
    path("instellingen/", views.lending_settings, name="settings"),
]
