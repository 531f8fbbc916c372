from django.shortcuts import render

from confidentiality.audit import record_list_look

from ..audit_words import AREA
from ..models import DeletionCertificate
from . import retention_page

SHOWN = 500  # the newest; the rest stay in the table and in the audit trail


@retention_page
def certificate_list(request):
    certificates = DeletionCertificate.objects.select_related("run_by")[:SHOWN]
    record_list_look(request, "deletion certificates", area=AREA)
    return render(
        request,
        "retention/certificates.html",
        {"certificates": certificates, "total": DeletionCertificate.objects.count()},
    )
