"""gunicorn's settings for `make serve`, read from the environment.

Sync workers: each request has a process to itself, which suits a Django app whose slowest
request (a PDF) runs in a child process with its own time budget.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "sync"
# Longer than the PDF budget, so a render is stopped by its own timer and answered, not by
# gunicorn killing the worker mid-request.
timeout = int(float(os.environ.get("ADR_PDF_TIMEOUT", "20"))) + 20
graceful_timeout = 30
# Recycle workers now and then, so a slow leak in a library cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# gunicorn's own use of X-Forwarded-Proto (the WSGI url_scheme). The app decides what it
# believes from TRUSTED_PROXIES (advisor.middleware), whatever this says.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or os.environ.get(
    "TRUSTED_PROXIES", "127.0.0.1"
)
accesslog = "-"
errorlog = "-"
# One JSON object a line, whatever a request path holds (newlines, quotes, NUL).
logger_class = "advisor.logs.GunicornJsonLogger"
