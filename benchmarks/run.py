"""``make bench``: every key page of the school, timed against a bare-Django page.

    BENCH_SCALE=large|medium|small|demo   the school (default large; demo is seed_demo's own)
    BENCH_DATABASE_URL=postgres://...      its database (default confidentiality_bench_<scale>)
    BENCH_REPEAT=30                        requests per page (and as many of the baseline)
    BENCH_PAGE_SECONDS=60                  a slower page stops early (after at least 5)

The database is seeded once (``seed_demo --scale``) if it holds no children. Each page is asked
for as its person (``pages.py``), in turn with the baseline (``measure.py``); the table goes to
``benchmarks/results.md`` (``report.py``) with the pages that miss the targets."""

import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import environment, school  # noqa: E402


def main() -> None:
    started = time.monotonic()
    scale = os.environ.get("BENCH_SCALE", "large")
    if scale not in school.SCALES:
        sys.exit(f"BENCH_SCALE must be one of {', '.join(school.SCALES)}, not {scale!r}")
    repeat = int(os.environ.get("BENCH_REPEAT", "30"))
    budget = float(os.environ.get("BENCH_PAGE_SECONDS", "60"))
    env = environment.production(school.database_url(scale))
    school.ensure(scale, env)
    environment.collect_static(env)
    os.environ.update(env)

    import django

    django.setup()
    # The sign-in library's and the request log's lines would drown the table.
    logging.disable(logging.INFO)

    from benchmarks import measure, pages, people, report

    counts = school.row_counts()
    print("School:", report.counts_line(counts), flush=True)
    clients = {}
    timings = []
    for page in pages.key_pages():
        if page.person not in clients:
            clients[page.person] = people.sign_in(page.person)
        timing = measure.measure(clients[page.person], page, repeat, budget)
        timings.append(timing)
        print(
            f"{timing.name}: {timing.queries} queries, median {timing.median:.1f} ms, "
            f"p95 {timing.p95:.1f} ms of {len(timing.page_ms)} "
            f"(bare {timing.baseline_median:.1f} / "
            f"{timing.baseline_p95:.1f} ms)",
            flush=True,
        )
    section = report.pages_section(
        timings,
        scale=scale,
        counts=counts,
        repeat=repeat,
        budget=budget,
        seconds=time.monotonic() - started,
    )
    report.write_section(section)
    print(f"\nWritten to {report.RESULTS} in {time.monotonic() - started:.0f} s.")


if __name__ == "__main__":
    main()
