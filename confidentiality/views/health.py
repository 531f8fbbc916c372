"""The health check: public, for the load balancer and the school's monitoring. It answers 503
when alerts to the safeguarding team are not flowing. To anyone it says only that; to the
school's monitoring (``Authorization: Bearer`` HEALTH_TOKEN) it adds states and ages
(``confidentiality.pipeline_health``): never a name, never a count of concerns."""

import hmac

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from confidentiality import access, pipeline_health


@access.public
@never_cache
@require_GET
def healthz(request):
    """200 while alerts flow; 503 when the database does not answer, a task has waited too
    long for the worker, the periodic check has stopped, or an email keeps failing."""
    if request.GET.get("only") == "database":
        # For a load balancer that must keep sending people to a server whose alerts are
        # stuck (a concern can still be logged, and is seen in the app): the database alone.
        answers = pipeline_health.database_answers()
        return JsonResponse(
            {
                "status": "ok" if answers else "unavailable",
                "database": "ok" if answers else "unreachable",
            },
            status=200 if answers else 503,
        )
    state = pipeline_health.read()
    report = pipeline_health.public_report(state, detailed=holds_the_monitoring_token(request))
    return JsonResponse(report, status=200 if state.flowing else 503)


def holds_the_monitoring_token(request) -> bool:
    """``Authorization: Bearer <HEALTH_TOKEN>``; with no HEALTH_TOKEN set, nobody does."""
    expected = settings.HEALTH_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(expected)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), expected.encode())
    )
