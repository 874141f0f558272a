"""Background jobs of the diagnosis app (Celery beat runs them; kbsite/celery.py)."""

from celery import shared_task

from diagnosis.services import sessions_prune


@shared_task(name="diagnosis.prune_sessions")
def prune_sessions() -> str:
    abandoned, deleted = sessions_prune()
    return f"{abandoned} abandoned, {deleted} deleted"
