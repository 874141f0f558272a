"""Times of a walk in TIME_ZONE, with the zone named.

A summary is pasted into tickets read in other places, and the session page is read
by staff anywhere: "10:52" alone does not say whose 10:52 it is.
"""

from datetime import datetime

from django.utils import timezone


def zone_label(value: datetime) -> str:
    """The UTC offset of TIME_ZONE at that moment, e.g. "UTC+08:00"."""
    offset = timezone.localtime(value).strftime("%z")  # "+0800"
    return f"UTC{offset[:3]}:{offset[3:]}"


def zoned(value: datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """The time in TIME_ZONE followed by its offset: "2026-12-01 10:52 (UTC+08:00)"."""
    return f"{timezone.localtime(value).strftime(fmt)} ({zone_label(value)})"
