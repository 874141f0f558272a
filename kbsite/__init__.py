"""kbsite: a troubleshooting knowledge base."""

__version__ = "0.1.0"

# Loaded with Django so @shared_task and .delay() use this project's Celery app.
from kbsite.celery import app as celery_app

__all__ = ["__version__", "celery_app"]
