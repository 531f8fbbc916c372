"""Sign-in lock-out: two limits, one per person and one per address.

django-axes compares every lock-out rule with one failure limit. The school needs two: a few
wrong passwords for one username from one address lock that pair only (so someone on the school's
shared address cannot lock the DSL out everywhere: the DSL can still sign in from another address,
or here after the cool-off), while an address trying passwords across many usernames is locked as
a whole after a higher limit (``LOGIN_ADDRESS_FAILURE_LIMIT``).
"""

from axes.attempts import get_cool_off_threshold
from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.db.models import Sum


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class PairAndAddressLockout(AxesDatabaseHandler):
    """Axes' database handler, counting failures for the pair and for the whole address.

    The address count is scaled onto the pair's limit, so axes' single comparison
    (``failures >= AXES_FAILURE_LIMIT``) locks when either limit is reached. A successful sign-in
    forgives the pair's own failures only (``AXES_LOCKOUT_PARAMETERS``), never the other usernames
    tried from the address."""

    def get_failures(self, request, credentials=None) -> int:
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        pair = _failures(attempts.filter(username=username))
        limit = get_failure_limit(request, credentials)
        by_address = _failures(attempts) * limit // max(settings.LOGIN_ADDRESS_FAILURE_LIMIT, 1)
        return max(pair, by_address)
