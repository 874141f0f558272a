"""gunicorn settings for `make serve`; every value can be overridden from the environment.

Graceful reload (new code or settings, no dropped requests): `kill -HUP <master pid>`
starts new workers and lets the old ones finish what they are serving.
More workers: `kill -TTIN <master pid>`; fewer: `kill -TTOU <master pid>`.
"""

import multiprocessing
import os

from kbsite.logs import logging_config

wsgi_app = "kbsite.wsgi:application"

bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]

# Sync workers: one request per process, the classic fit for a database-backed
# Django app. (2 × cores) + 1 keeps the CPUs busy while some workers wait on
# PostgreSQL; a worker that dies takes only its one in-flight request with it.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Measured against gthread (bench/load.sh, PostgreSQL, 2 cores, 5 workers, same
# machine state): gthread with 2 or 4 threads served issue pages no faster and
# with a p99 two to three times worse (1.3-1.5 s against 0.43-0.87 s), and
# /robots.txt no faster either. The cached issue page is CPU-bound Python, so
# threads only queue behind the GIL, and gthread pins each keep-alive connection
# to one worker, so a busy worker's connections wait while others idle; the
# reconnects sync workers cost (Connection: close) are cheap on the same host or
# behind a reverse proxy that keeps its own connections to clients. A killed
# gthread worker would also lose every request its threads hold (see
# tests/prod/test_failures.py). GUNICORN_WORKER_CLASS=gthread with
# GUNICORN_THREADS=N stays available for deployments that wait on a slow
# network database; then each thread holds its own database connection
# (CONN_MAX_AGE), so keep workers × threads below PostgreSQL's max_connections.
# (gunicorn itself switches "sync" with threads > 1 to gthread.)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A request that takes longer than this is stuck (the database connect timeout
# and the Redis socket timeouts are far shorter); its worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On HUP / SIGTERM, workers get this long to finish the requests they hold.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so a slow leak never becomes an outage; the
# jitter keeps them from all restarting at once. Not too often: a new worker
# costs about 1.7 s of CPU (Django, then the search dictionaries it warms up),
# and a cached issue page about 1 ms, so recycling every 5,000 requests spent a
# quarter as much CPU on restarts as on serving and showed as latency spikes
# under load (bench/load.sh).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10

# Headers gunicorn itself trusts (wsgi.url_scheme from X-Forwarded-Proto) only
# from these proxy addresses; empty by default, like every proxy setting here.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")

# Signals are the control interface; several instances on one machine must not
# fight over the one default control socket in the home directory.
control_socket_disable = True
# Heartbeat files in memory, not on a possibly slow or read-only disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Access log on stdout, errors on stderr; both in the format Django uses
# (LOG_FORMAT=json: one JSON object per line), with the request id.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
logconfig_dict = logging_config(
    log_format=os.environ.get("LOG_FORMAT", "text"),
    level=os.environ.get("LOG_LEVEL", "INFO").upper(),
)


def post_worker_init(worker):
    """Each new worker loads the search dictionaries before it accepts a request."""
    from kbsite.warmup import warm_up

    warm_up()
