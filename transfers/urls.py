from django.urls import path

from .views import link, receiving, records, schools, sending

app_name = "transfers"

urlpatterns = [
    path("", sending.home, name="home"),
    path("prepare/", sending.prepare, name="prepare"),
    path("<uuid:pk>/", sending.transfer_page, name="transfer"),
    path("<uuid:pk>/file/", sending.sealed_file, name="sealed_file"),
    path("<uuid:pk>/pdf/", sending.readable_copy, name="readable_copy"),
    path("<uuid:pk>/sent/", sending.mark_sent, name="mark_sent"),
    path("<uuid:pk>/receipt/", sending.record_receipt, name="record_receipt"),
    path("<uuid:pk>/confirmed/", sending.confirm_by_phone, name="confirm_by_phone"),
    path("keys/", schools.keys_page, name="keys"),
    path("keys/file/", schools.keys_file, name="keys_file"),
    path("schools/", schools.partners, name="partners"),
    path("import/", receiving.import_page, name="import"),
    path("received/<uuid:pk>/receipt/", receiving.receipt, name="receipt"),
    path("collect/<str:token>/", link.collect, name="collect"),
    # The main pupil record (the office and the head teacher).
    path("records/", records.home, name="records_home"),
    path("records/prepare/", records.prepare, name="records_prepare"),
    path("records/import/", records.import_page, name="records_import"),
    path("records/<uuid:pk>/", records.transfer_page, name="record"),
    path("records/<uuid:pk>/file/", records.sealed_file, name="record_sealed_file"),
    path("records/<uuid:pk>/pdf/", records.readable_copy, name="record_readable_copy"),
    path("records/<uuid:pk>/sent/", records.mark_sent, name="record_mark_sent"),
    path("records/<uuid:pk>/receipt/", records.record_receipt, name="record_enter_receipt"),
    path("records/<uuid:pk>/confirmed/", records.confirm_by_phone, name="record_confirm_by_phone"),
    path("records/received/<uuid:pk>/", records.received_page, name="received_record"),
    path("records/received/<uuid:pk>/receipt/", records.receipt, name="received_record_receipt"),
]
