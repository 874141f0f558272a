"""The Celery app: every background job (probe runs, monitors, flushes, pruning, rebuilds).

Tasks live in each app's tasks.py; `celery -A kbsite worker` and `celery -A kbsite
beat` run them (see the Makefile and docs/production.md). Settings are read from
Django's, prefixed CELERY_.
"""

import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbsite.settings")

app = Celery("kbsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_queue_folders(sender, **kwargs):
    # The folder broker (no server, `make run`) needs its folders before the first message.
    options = sender.conf.broker_transport_options or {}
    if str(sender.conf.broker_url or "").startswith("filesystem://"):
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)


@worker_process_init.connect
def _fresh_database_connections(**kwargs):
    # A forked pool process must not share the parent's database sockets.
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
