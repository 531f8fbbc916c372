"""Error reports that carry no confidential content.

Django's technical 500 page (in development) and error e-mails show a request's POST data and
every local variable of the traceback: a concern's text or a decrypted medical note would be
among them. This filter replaces all of them, in every environment.
"""

from django.views.debug import SafeExceptionReporterFilter

HIDDEN = "[hidden: may be confidential]"


class ConfidentialExceptionReporterFilter(SafeExceptionReporterFilter):
    cleansed_substitute = HIDDEN

    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {key: HIDDEN for key in request.POST}

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, HIDDEN) for name in tb_frame.f_locals]
