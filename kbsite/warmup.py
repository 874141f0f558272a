"""Load what the first requests would otherwise wait for (search dictionaries, release
digest) before a worker takes traffic, then ``gc.freeze()`` it. Called from
gunicorn.conf.py's post_worker_init; why: docs/production.md#processes-gunicorn.
"""

import gc
import logging

from django.db import connections

logger = logging.getLogger(__name__)


def warm_up() -> None:
    try:
        from issues.pagecache.release import release_digest
        from issues.search.analyzer import analyze

        analyze("扫码下载 登錄超時 error -1019 kTMSDKErrorTokenVerifyFailed")
        release_digest()  # reads every template once; the first cached page would wait for it
    except Exception:  # a warm-up failure must never stop a worker from serving
        logger.exception("warm-up failed; the first requests will be slower")
    finally:
        # Whatever the warm-up opened belongs to no request.
        connections.close_all()
    gc.collect()  # not worth keeping forever: the warm-up's garbage
    gc.freeze()
