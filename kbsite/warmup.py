"""Load what the first requests would otherwise wait for, before a worker takes traffic.

The search analyzer builds its Chinese dictionary (jieba) and the traditional →
simplified converter lazily, which takes seconds; without this, the first
search on every fresh gunicorn worker (after a deploy, a HUP or a recycled
worker) would pay for it. Called from gunicorn.conf.py's post_worker_init.

Then everything loaded so far (Django, the dictionaries, the templates) is
moved out of the garbage collector's sight with ``gc.freeze()``: it lives as
long as the worker, yet every full collection walked all of it, about 50 ms
(measured after warm-up) that landed on whichever request triggered it.
"""

import gc
import logging

from django.db import connections

logger = logging.getLogger(__name__)


def warm_up() -> None:
    try:
        from issues.search.analyzer import analyze
        from kbsite.release import release_digest

        analyze("扫码下载 登錄超時 error -1019 kTMSDKErrorTokenVerifyFailed")
        release_digest()  # reads every template once; the first cached page would wait for it
    except Exception:  # a warm-up failure must never stop a worker from serving
        logger.exception("warm-up failed; the first requests will be slower")
    finally:
        # Whatever the warm-up opened belongs to no request.
        connections.close_all()
    gc.collect()  # not worth keeping forever: the warm-up's garbage
    gc.freeze()
