"""One check for every key page: its query count stays the same whatever the number of rows it
shows, and within the budget a page may spend (issue: ten years of a very large school).

A page is asked for once to warm what a process caches once (content types, the sealing key),
then counted at a small size; ``grow`` adds rows the page lists or summarises; then it is counted
again. The two counts must be equal and within ``QUERY_BUDGET``."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

QUERY_BUDGET = 15


def count_queries(client, url, *, method="get", data=None, expect=200):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == expect, (url, response.status_code)
    return len(captured), captured


def _listing(captured) -> str:
    return "\n".join(f"{i + 1}. {q['sql'][:300]}" for i, q in enumerate(captured))


def assert_flat(client, url, grow, *, budget=QUERY_BUDGET, method="get", data=None, expect=200):
    """``url``'s query count is the same before and after ``grow()`` and at most ``budget``.
    ``data`` may be a callable (for a post whose content must differ each time)."""

    def payload():
        return data() if callable(data) else data

    getattr(client, method)(url, payload() or {})  # warm per-process caches
    few, captured_few = count_queries(client, url, method=method, data=payload(), expect=expect)
    grow()
    many, captured_many = count_queries(client, url, method=method, data=payload(), expect=expect)
    assert many == few, (
        f"{url}: {few} queries at the small size, {many} after growing: the page asks per row."
        f"\nSmall:\n{_listing(captured_few)}\nGrown:\n{_listing(captured_many)}"
    )
    assert many <= budget, f"{url}: {many} queries, budget {budget}:\n{_listing(captured_many)}"
    return many
