"""Counting attempts in a time window, shared by every server process (the file cache): wrong
passwords when changing an email address, password-reset and confirmation emails."""

import time

from django.core.cache import cache


def count_in_window(key: str, window: int) -> int:
    """Count one request against ``key``; return the count in the window begun by the first.

    The file cache is neither atomic nor kind to timeouts: two requests can race between ``add``
    and ``incr``, and its ``incr`` writes the value back with the default timeout (five
    minutes), which would shorten the window. So the window's end is kept beside the count and
    put back after each increment, and a request that loses a race is still counted, never
    reset to one over a higher count."""
    now = time.time()
    ends_key = f"{key}:ends"
    if cache.add(key, 1, window):
        cache.set(ends_key, now + window, window)
        return 1
    try:
        count = cache.incr(key)
    except ValueError:  # gone between add and incr (expired, culled): a new window
        if cache.add(key, 1, window):
            cache.set(ends_key, now + window, window)
            return 1
        try:
            count = cache.incr(key)  # another request began it meanwhile
        except ValueError:
            return 1
    ends = cache.get(ends_key) or now + window
    cache.touch(key, max(1, int(ends - now)))
    return count
