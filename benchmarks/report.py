"""``benchmarks/results.md``: the machine, the school, and a table per run. The page benchmark
and the load test each write their own section and leave the other's as it was."""

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.md"
TITLE = "# Benchmark results\n"

# The targets every key page must meet (issue 15).
MOST_QUERIES = 15
MOST_MEDIAN_RATIO = 3.0
MOST_P95_RATIO = 5.0
P95_UNDER_MS = 150.0


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = ""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB memory"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory}, PostgreSQL {postgres}, "
        f"Python {platform.python_version()}; load average at the end {load}"
    )


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def counts_line(counts: dict[str, int]) -> str:
    return "; ".join(f"{n:,} {name}" for name, n in counts.items())


def misses(timing) -> list[str]:
    missed = []
    if timing.queries > MOST_QUERIES:
        missed.append(f"{timing.queries} queries")
    if timing.median / timing.baseline_median > MOST_MEDIAN_RATIO:
        missed.append(f"median {timing.median / timing.baseline_median:.1f}x")
    if timing.p95 / timing.baseline_p95 > MOST_P95_RATIO:
        missed.append(f"p95 {timing.p95 / timing.baseline_p95:.1f}x")
    if timing.p95 >= P95_UNDER_MS:
        missed.append(f"p95 {timing.p95:.0f} ms")
    return missed


def pages_section(timings, *, scale, counts, repeat, budget, seconds) -> str:
    lines = [
        "## Pages\n",
        f"Run {stamp()} by `make bench` (BENCH_SCALE={scale}), {seconds:.0f} s in all.  ",
        f"Machine: {machine()}.  ",
        f"School: {counts_line(counts)}.\n",
        f"Each page was asked for {repeat} times (a slower page stops after {budget:g} s, "
        "with at least 5: the column n) as its person (signed in, agreement accepted, "
        "second factor confirmed where they have one), in-process with `DEBUG=false` over HTTPS, "
        "each request followed by one of the bare-Django baseline (`benchmarks/baseline.py`: the "
        "same middleware, 50 rows of a table, no permission, no encryption, no audit entry). "
        "Server time excludes the network. Targets: at most "
        f"{MOST_QUERIES} queries, median at most {MOST_MEDIAN_RATIO:g}x and p95 at most "
        f"{MOST_P95_RATIO:g}x the baseline's, p95 under {P95_UNDER_MS:g} ms.\n",
        "| page | person | n | queries | median ms | p95 ms | bare median ms | bare p95 ms "
        "| median ratio | p95 ratio | misses |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for t in timings:
        lines.append(
            f"| {t.name} | {t.person} | {len(t.page_ms)} | {t.queries} "
            f"| {t.median:.1f} | {t.p95:.1f} "
            f"| {t.baseline_median:.1f} | {t.baseline_p95:.1f} "
            f"| {t.median / t.baseline_median:.1f}x | {t.p95 / t.baseline_p95:.1f}x "
            f"| {', '.join(misses(t)) or 'meets all'} |"
        )
    missing = [t for t in timings if misses(t)]
    lines.append("")
    lines.append(
        f"{len(missing)} of {len(timings)} pages miss a target"
        + (
            ": " + "; ".join(f"{t.name} ({', '.join(misses(t))})" for t in missing) + "."
            if missing
            else "."
        )
    )
    lines.append(
        f"The baseline itself: {timings[0].baseline_queries} queries (the session and the "
        "signed-in person, as on every page, and its rows)."
    )
    return "\n".join(lines) + "\n"


def write_section(section: str) -> None:
    """Put ``section`` (starting with its ``## `` heading) in the results, in place of the
    section of that heading if there is one."""
    heading = section.splitlines()[0]
    text = RESULTS.read_text() if RESULTS.exists() else TITLE
    parts = re.split(r"(?m)^(?=## )", text)
    replaced = False
    for i, part in enumerate(parts):
        if part.splitlines()[:1] == [heading]:
            parts[i] = section + "\n"
            replaced = True
    if not replaced:
        parts.append(("\n" if not parts[-1].endswith("\n\n") else "") + section + "\n")
    RESULTS.write_text("".join(parts).rstrip("\n") + "\n")
