"""Rate-limit counters kept in the database when the cache is private to one process."""

from django.db import models


class RateCounter(models.Model):
    """Hits of one key in one fixed window; see kbsite/ratelimit.py."""

    key = models.CharField(max_length=200, unique=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.hits}"
