"""gunicorn for the school's server: ``gunicorn -c deploy/gunicorn.conf.py``.

Sized for a small server (two to four cores, a few hundred staff): sync workers, because a
request either reads a page or seals a record and nothing waits on the network. Every figure can
be changed from the environment file without editing this one.
"""

import multiprocessing
import os

wsgi_app = "confidentiality.wsgi:application"

# Only the reverse proxy on this machine talks to gunicorn; it is never exposed.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two per core and one more, at most five: a small server's memory is the limit, not its cores.
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 5)))
worker_class = "sync"

# A page that takes longer than this is stuck (the slowest, a PDF chronology, takes seconds).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5

# A worker is replaced after this many requests (the jitter stops them all restarting at once):
# whatever a library keeps in memory is bounded.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 1000))
max_requests_jitter = 100

# The proxy on this machine says whether the visitor came over HTTPS; Django itself decides
# whether to believe it (BEHIND_TLS_PROXY, SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = "127.0.0.1,::1"

# The access log names the page, never its query string: a search for a child's name, a reset
# token or a filter would otherwise be written to the log. No client address either: the audit
# trail records who looked at what.
accesslog = "-"
# A password reset's or an email change's token in the path is hidden too.
logger_class = "deploy.gunicorn_logging.MaskedPathLogger"
access_log_format = '"%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# A request line or header this long is not a person using a form.
limit_request_line = 8190
limit_request_fields = 100

# The workers' heartbeat files go to the temporary folder: systemd's PrivateTmp gives the
# service its own, writable under ProtectSystem=strict.
