"""The site's own settings with the bare-Django baseline added (``benchmarks.urls``), for
``make bench`` in-process and the gunicorn of ``make load``; never used in production.
The static files are collected apart from the development server's (``environment.py``)."""

import os
from pathlib import Path

from confidentiality.settings import *  # noqa: F403
from confidentiality.settings import STATIC_ROOT as _SITE_STATIC_ROOT

ROOT_URLCONF = "benchmarks.urls"
STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT") or _SITE_STATIC_ROOT)
