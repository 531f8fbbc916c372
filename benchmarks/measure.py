"""Timing a page against the bare-Django baseline, request for request in turn, so that drift
in a shared machine's speed falls on both alike; and counting a page's SQL queries."""

import math
import statistics
import time
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .baseline import PATH as BASELINE


@dataclass
class Timing:
    name: str
    person: str
    path: str
    queries: int
    baseline_queries: int
    page_ms: list[float]
    baseline_ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.page_ms)

    @property
    def p95(self) -> float:
        return percentile(self.page_ms, 95)

    @property
    def baseline_median(self) -> float:
        return statistics.median(self.baseline_ms)

    @property
    def baseline_p95(self) -> float:
        return percentile(self.baseline_ms, 95)


def percentile(samples: list[float], pct: float) -> float:
    """Nearest rank: the smallest sample at or above ``pct`` per cent of them."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def request(client, page):
    """One request as the page's person makes it, over HTTPS as production serves it."""
    kwargs = {"data": page.data()} if page.data else {}
    response = getattr(client, page.method)(page.path, secure=True, **kwargs)
    if response.status_code != page.expect:
        raise AssertionError(
            f"{page.name} ({page.path}) answered {response.status_code}, not {page.expect}"
        )
    return response


def _timed(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def _bare(client):
    response = client.get(BASELINE, secure=True)
    if response.status_code != 200:
        raise AssertionError(f"the baseline answered {response.status_code}")


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


# A slow page stops early, once it has this many samples: a run must end within the hour.
FEWEST = 5


def measure(client, page, repeat: int, budget_s: float = float("inf")) -> Timing:
    """``repeat`` requests of the page, each followed by one of the baseline; fewer (but at
    least ``FEWEST``) if the page has used ``budget_s`` seconds."""
    # Warm what a process caches once (content types, templates, the keys), then count.
    request(client, page)
    _bare(client)
    queries = count_queries(lambda: request(client, page))
    baseline_queries = count_queries(lambda: _bare(client))
    page_ms, baseline_ms = [], []
    started = time.monotonic()
    for _ in range(repeat):
        page_ms.append(_timed(lambda: request(client, page)))
        baseline_ms.append(_timed(lambda: _bare(client)))
        if len(page_ms) >= FEWEST and time.monotonic() - started > budget_s:
            break
    return Timing(
        page.name, page.person, page.path, queries, baseline_queries, page_ms, baseline_ms
    )
